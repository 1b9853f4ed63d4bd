import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../gatecheck.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  /** Killed with SIGKILL after this long; its output so far is returned. */
  timeoutMs?: number;
  /** Holds the child while it runs, so a test's afterEach can kill what a failed assertion left behind. */
  running?: Set<ChildProcess>;
  /** Variables added to this process's environment for the child. */
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI as a child process to completion (bounded): exit code and output, as a user's shell sees them. */
export function runCli(args: string[], { cwd, timeoutMs = 15_000, running, env }: RunCliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: env && { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running?.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      running?.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
