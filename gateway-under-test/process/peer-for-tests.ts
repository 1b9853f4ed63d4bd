import { existsSync } from 'node:fs';
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

/**
 * Looks up a peer binary for a test file. With GATECHECK_REQUIRE_PEERS=1 (CI) a missing binary
 * throws, so the file fails loudly: a skipped peer test in CI would hide a broken install.
 */
export function peerForTests(
  name: string,
  { requiredFiles = [], hint, env = process.env }: { requiredFiles?: string[]; hint?: string; env?: NodeJS.ProcessEnv } = {},
): PeerForTests {
  const path = findPeerBinary(name, env);
  const missingFile = requiredFiles.find((file) => !existsSync(file));
  if (path && !missingFile) return { path, skipReason: undefined };
  const what = path ? missingFile! : name;
  hint ??= INSTALL_HINT[name] ?? `install ${name}`;
  if (env.GATECHECK_REQUIRE_PEERS === '1') {
    throw new PeerBinaryMissingError(what, `GATECHECK_REQUIRE_PEERS=1 forbids skipping; ${hint}`);
  }
  return { path: undefined, skipReason: `peer binary ${what} not installed` };
}
