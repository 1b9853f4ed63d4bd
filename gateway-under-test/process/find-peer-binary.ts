import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian puts apache2 and haproxy in /usr/sbin, which a non-root PATH usually lacks.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an installed peer binary, or undefined when it is not installed. */
export function findPeerBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
