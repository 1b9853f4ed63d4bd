import { connect, type Socket } from 'node:net';

export interface RawExchange {
  /** Everything the server wrote, as latin1. */
  text: string;
  /** Status code of the first response, or null when the server wrote nothing. */
  status: number | null;
  /** Whether the server closed (or reset) the connection before `maxMs`. */
  closedByServer: boolean;
}

/**
 * Writes raw bytes to 127.0.0.1:port over a fresh TCP connection and collects the answer until the
 * server closes the connection or `maxMs` passes (then the client closes it). Bounded in time, so a
 * server that never answers makes a failing assertion, not a hung test.
 */
export function rawExchange(port: number, data: string | Buffer | null, options: { maxMs?: number; onSocket?: (s: Socket) => void } = {}): Promise<RawExchange> {
  const maxMs = options.maxMs ?? 3000;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, maxMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : null, closedByServer });
    });
    if (data !== null) socket.write(data);
    options.onSocket?.(socket);
  });
}

/** Every status line in a response stream (pipelined answers). */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}
