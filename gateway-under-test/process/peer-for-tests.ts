import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PeerBinaryMissingError } from './errors.ts';
import { findPeerBinary } from './find-peer-binary.ts';

export interface PeerForTests {
  path: string | undefined;
  /** Set when the binary is missing and peers are optional: pass it to `ctx.skip(reason)`. */
  skipReason: string | undefined;
}

const INSTALL_HINT: Record<string, string> = {
  haproxy: 'apt-get install haproxy',
  apache2: 'apt-get install apache2',
  wrk: 'apt-get install wrk',
};

/** Whether `name` is installed in a node_modules folder this file's module resolution would search. */
function packageInstalled(name: string): boolean {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * Looks up a peer binary, and the npm packages its server loads, for a test file. With
 * GATECHECK_REQUIRE_PEERS=1 (CI) a missing one throws, so the file fails loudly: a skipped peer
 * test in CI would hide a broken install.
 */
export function peerForTests(
  name: string,
  {
    requiredFiles = [],
    requiredPackages = [],
    hint,
    env = process.env,
  }: { requiredFiles?: string[]; requiredPackages?: string[]; hint?: string; env?: NodeJS.ProcessEnv } = {},
): PeerForTests {
  const path = findPeerBinary(name, env);
  const missingFile = requiredFiles.find((file) => !existsSync(file));
  const missingPackage = requiredPackages.find((pkg) => !packageInstalled(pkg));
  if (path && !missingFile && !missingPackage) return { path, skipReason: undefined };
  const packageOnly = path !== undefined && missingFile === undefined;
  const what = !path ? name : (missingFile ?? `npm package ${missingPackage}`);
  hint ??= packageOnly ? 'npm install' : (INSTALL_HINT[name] ?? `install ${name}`);
  if (env.GATECHECK_REQUIRE_PEERS === '1') {
    throw new PeerBinaryMissingError(what, `GATECHECK_REQUIRE_PEERS=1 forbids skipping; ${hint}`);
  }
  return { path: undefined, skipReason: packageOnly ? `${what} not installed` : `peer binary ${what} not installed` };
}
