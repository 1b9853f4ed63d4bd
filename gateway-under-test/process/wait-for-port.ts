import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls until `port` accepts TCP connections (`want: 'open'`) or refuses them (`want: 'closed'`).
 * Returns false on timeout or when `abort()` says the process is gone, never loops unbounded.
 */
export async function waitForPort(
  port: number,
  { host = '127.0.0.1', want = 'open', timeoutMs = 10_000, abort }: {
    host?: string;
    want?: 'open' | 'closed';
    timeoutMs?: number;
    abort?: () => boolean;
  } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (abort?.()) return false;
    if ((await accepts(port, host)) === (want === 'open')) return true;
    await sleep(25);
  }
  return false;
}
