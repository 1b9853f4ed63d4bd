import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunDir {
  /** Removed by stop(). */
  root: string;
  /** Config files. */
  conf: string;
  /** Pid files, mutexes, shared memory. */
  run: string;
  /** Process output and server logs; kept when the caller asked for it. */
  logs: string;
}

/** A fresh per-start directory under the OS temp dir: generated config never lands in the repo. */
export function createRunDir(name: string, logsDir?: string): RunDir {
  const root = mkdtempSync(join(tmpdir(), `gatecheck-${name}-`));
  // Apache children run as www-data after dropping root: they must read the config tree (CA bundle,
  // keys) and reach the runtime dir. Nothing secret lives here; the keys are test-only public keys.
  chmodSync(root, 0o755);
  const dirs = { root, conf: join(root, 'conf'), run: join(root, 'run'), logs: logsDir ?? join(root, 'logs') };
  for (const dir of [dirs.conf, dirs.run, dirs.logs]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dirs.run, 0o1777);
  return dirs;
}
