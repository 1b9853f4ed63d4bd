import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRunDir, type RunDir } from './create-run-dir.ts';
import { GatewayStartError } from './errors.ts';
import { freePort } from './free-port.ts';
import { listenerOwnedBy } from './listener-owned-by.ts';
import { waitForGroupExit } from './wait-for-group-exit.ts';
import { waitForPort } from './wait-for-port.ts';

export interface GatewayProcessSpec {
  /** Short name for temp dirs and messages: `haproxy`, `apache-openidc`. */
  name: string;
  binary: string;
  /** Fixed port on 127.0.0.1; omitted or 0 → a free one is picked (and re-picked if it was taken). */
  port?: number;
  /** Where logs go; given → kept after stop(), omitted → inside the run dir and removed with it. */
  logsDir?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Writes the configuration for `port` into the run dir and returns the argv for `binary`. */
  prepare(dir: RunDir, port: number): string[] | Promise<string[]>;
}

export interface RunningGateway {
  url: string;
  port: number;
  pid: number;
  /** Directory holding the process output and the server's own logs. */
  logs: string;
  /** Stops the process and its children, waits for all of them to exit and the port to close, removes temp files. Idempotent. */
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;
const BIND_CONFLICT = /address already in use|could not bind|cannot bind/i;
// Processes are group leaders (detached), so a signal to -pid also reaches Apache's workers.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence when a test runner or the bench dies without calling stop(): a gateway
  // left listening would break the next run on this machine.
  process.once('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a gateway binary with its config in a fresh temp dir and waits until its port accepts. */
export async function startGatewayProcess(spec: GatewayProcessSpec): Promise<RunningGateway> {
  installExitHook();
  const fixedPort = spec.port && spec.port > 0 ? spec.port : undefined;
  const dir = createRunDir(spec.name, spec.logsDir);
  const outputFile = join(dir.logs, `${spec.name}.out`);
  let lastError: GatewayStartError | undefined;
  try {
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = fixedPort ?? (await freePort());
      const argv = await spec.prepare(dir, port);
      const out = openSync(outputFile, 'a');
      const child = spawn(spec.binary, argv, {
        cwd: dir.root,
        detached: true,
        stdio: ['ignore', out, out],
        env: spec.env ?? process.env,
      });
      closeSync(out);
      let exit: string | undefined;
      const exited = new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          exit = signal ? `signal ${signal}` : `code ${code}`;
          resolve();
        });
        child.once('error', (error) => {
          exit = error.message;
          resolve();
        });
      });
      const pid = child.pid;
      if (pid !== undefined) liveGroups.add(pid);
      const open = await waitForPort(port, { timeoutMs: spec.readyTimeoutMs ?? 15_000, abort: () => exit !== undefined });
      // Another process may have taken the port we picked, and its listener answers our probe:
      // only a listening socket held by our own process means ready.
      let owned = open && pid !== undefined ? listenerOwnedBy(pid, port) : false;
      for (let check = 0; open && owned === false && exit === undefined && check < 40; check++) {
        await sleep(50);
        owned = listenerOwnedBy(pid!, port);
      }
      if (open && owned !== false && exit === undefined && pid !== undefined) {
        return running(dir, port, pid, exited, () => exit !== undefined);
      }
      // Decided before the kill below, which sets `exit` itself.
      const taken = open && exit === undefined;
      const reason = exit ? `exited with ${exit}` : taken ? 'the port is held by another process' : 'port never opened';
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        await Promise.race([exited, sleep(3_000)]);
        liveGroups.delete(pid);
      }
      const logs = tail(outputFile);
      lastError = new GatewayStartError(
        `${spec.name} (${spec.binary}) did not start on 127.0.0.1:${port}: ${reason}\n${logs}`,
        logs,
      );
      if (fixedPort || !(taken || BIND_CONFLICT.test(logs))) break;
    }
  } catch (error) {
    removeRunDir(dir);
    throw error;
  }
  removeRunDir(dir);
  throw lastError;
}

// Logs survive only when the caller put them outside the run dir (spec.logsDir).
function removeRunDir(dir: RunDir): void {
  rmSync(dir.root, { recursive: true, force: true });
}

function running(
  dir: RunDir,
  port: number,
  pid: number,
  exited: Promise<void>,
  hasExited: () => boolean,
): RunningGateway {
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    logs: dir.logs,
    stop() {
      stopping ??= (async () => {
        if (!hasExited()) signalGroup(pid, 'SIGTERM');
        await Promise.race([exited, sleep(5_000)]);
        // Sweep workers that outlive their parent (Apache children mid-request).
        signalGroup(pid, 'SIGKILL');
        await Promise.race([exited, sleep(2_000)]);
        await waitForGroupExit(pid, 2_000);
        await waitForPort(port, { want: 'closed', timeoutMs: 3_000 });
        liveGroups.delete(pid);
        removeRunDir(dir);
      })();
      return stopping;
    },
  };
}
