import { connect } from 'node:net';
import { HarnessError } from './harness-error.ts';
import { readResponses, type ResponseStream } from './read-responses.ts';

export interface RawExchange {
  /** Everything the connection received, as latin1. */
  received: string;
  /** What llhttp made of it (responses, or where it stopped making sense). */
  stream: ResponseStream;
  /** The target closed (or reset) the connection before the harness stopped reading. */
  closedByServer: boolean;
  latencyMs: number;
}

export interface RawOptions {
  host: string;
  port: number;
  bytes: Buffer;
  /** Request methods in order (for framing: HEAD answers carry no body); their count is how many answers are awaited. */
  methods: readonly string[];
  /** The longest the exchange may take. */
  timeoutMs: number;
  /**
   * After the awaited answers (or a stream llhttp refuses), how long to keep reading: bytes arriving then
   * are what a kept-alive client would misread as the start of its next answer.
   */
  graceMs?: number;
  localAddress?: string;
}

/**
 * Sends exact bytes on a fresh connection and reads until the target closes it, or until the answers
 * to every request in it (or an unparseable stream) arrived and nothing more came for `graceMs`, or
 * until `timeoutMs`: bounded, so a gateway that waits for bytes that never come costs the timeout, not
 * the run. A refused connection is the harness's problem (the target is gone), as in sendRequest.
 */
export function sendRaw(options: RawOptions): Promise<RawExchange> {
  const grace = options.graceMs ?? 100;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const chunks: Buffer[] = [];
    let settled = false;
    let graceTimer: NodeJS.Timeout | null = null;
    let connected = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (graceTimer) clearTimeout(graceTimer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      resolve({
        received: bytes.toString('latin1'),
        stream: readResponses(bytes, options.methods, closedByServer),
        closedByServer,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      });
    };
    const deadline = setTimeout(() => finish(false), options.timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(options.bytes);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const stream = readResponses(Buffer.concat(chunks), options.methods, false);
      const answered = stream.responses.filter((r) => r.complete).length >= options.methods.length;
      if (answered || stream.error || stream.upgraded) {
        if (graceTimer) clearTimeout(graceTimer);
        graceTimer = setTimeout(() => finish(false), grace);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && err.code === 'ECONNREFUSED') {
        settled = true;
        clearTimeout(deadline);
        reject(new HarnessError('ERR_TARGET_UNREACHABLE', `the target at ${options.host}:${options.port} refused the connection: nothing listens there; start the gateway first, or give --target the URL it listens on`));
      }
    });
    socket.on('close', () => finish(true));
  });
}
