import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findPeerBinary } from '../../gateway-under-test/process/find-peer-binary.ts';
import { GatecheckError } from '../../errors/index.ts';

const SCRIPT = fileURLToPath(new URL('./token-pool.lua', import.meta.url));

export interface WrkOptions {
  url: string;
  path: string;
  /** One bearer token per line; a file with one line is the "same token" mode. */
  tokensFile: string;
  /**
   * `cycle` (default): the pool is walked again and again. `once`: no token is sent twice; the result's
   * `reused` counts the requests that had to repeat one because the file ran out.
   */
  tokenOrder?: 'cycle' | 'once';
  /** Another Lua script with the same `GATECHECK_WRK` result line, called with `-- scriptArgs` instead of the token pool's. */
  script?: { file: string; args: string[] };
  durationSeconds: number;
  connections: number;
  threads: number;
  signal?: AbortSignal;
}

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses with status ≥ 400: a benchmark of refusals would measure the wrong thing. */
  statusErrors: number;
  socketErrors: number;
  /** `connect/read/write/timeout` counts when socketErrors > 0, for the log. */
  socketErrorDetail: string;
  /** Requests that carried a token this measurement had already sent (`once` order only; 0 otherwise). */
  reused: number;
}

export class WrkError extends GatecheckError {
  declare readonly code: 'ERR_WRK_MISSING' | 'ERR_WRK_FAILED';
  constructor(code: 'ERR_WRK_MISSING' | 'ERR_WRK_FAILED', message: string) {
    super(code, message);
  }
}

/** The wrk binary, or a clear error: the bench has exactly one load tool and it is Debian's wrk. */
export function wrkBinary(): string {
  const wrk = findPeerBinary('wrk');
  if (!wrk) throw new WrkError('ERR_WRK_MISSING', 'wrk is not installed: apt-get install wrk (the benchmark drives Debian\'s wrk 4.1)');
  return wrk;
}

/** Runs one closed-loop wrk measurement and parses the JSON line our Lua script prints. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--timeout', '5s',
    '-s', options.script?.file ?? SCRIPT,
    options.url,
    '--',
    ...(options.script?.args ?? [options.tokensFile, options.path, options.tokenOrder ?? 'cycle', String(options.threads)]),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      wrkBinary(),
      args,
      { signal: options.signal, timeout: (options.durationSeconds + 30) * 1000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('GATECHECK_WRK '));
        if (error || !line) {
          reject(new WrkError('ERR_WRK_FAILED', `wrk ${args.join(' ')} failed: ${error?.message ?? 'no result line'}\n${stderr}${stdout}`));
          return;
        }
        const r = JSON.parse(line.slice('GATECHECK_WRK '.length)) as Record<string, number>;
        resolve({
          requests: r.requests,
          requestsPerSecond: r.requests / (r.duration_us / 1e6),
          meanMs: r.mean_us / 1000,
          p50Ms: r.p50_us / 1000,
          p90Ms: r.p90_us / 1000,
          p99Ms: r.p99_us / 1000,
          maxMs: r.max_us / 1000,
          statusErrors: r.status_errors,
          socketErrors: r.connect_errors + r.read_errors + r.write_errors + r.timeouts,
          socketErrorDetail: `connect ${r.connect_errors}, read ${r.read_errors}, write ${r.write_errors}, timeout ${r.timeouts}`,
          reused: r.reused ?? 0,
        });
      },
    );
  });
}
