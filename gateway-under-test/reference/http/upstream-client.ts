import { maxHeaderSize } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { FIELD_LINE, fieldValue } from './field-line.ts';
import { GatecheckError } from '../../../errors/index.ts';

export interface UpstreamClientOptions {
  host: string;
  port: number;
  /** The Host header sent upstream (host[:port] of the upstream URL). */
  authority: string;
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface UpstreamRequest {
  method: string;
  /** Origin-form target, already checked by whichever front parsed the request. */
  path: string;
  headers: string[];
}

/** An upstream failure, with undici's codes so callers map both clients' errors the same way. */
export class UpstreamError extends GatecheckError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

// undici's limit (its maxHeaderSize defaults to node:http's, 16 KiB, counted over field names and values):
// at 64 KiB this client passed on heads undici refuses (found by http-differential-upstream.test.ts).
// Counted here over the whole head, so never more lenient than undici.
const MAX_HEAD_BYTES = maxHeaderSize;
const CRLFCRLF = Buffer.from('\r\n\r\n');
// A status code below 100 is no status code (RFC 9110 §15); llhttp refuses it, and passed on it made the
// gateway write a status line its own client could not parse (found by http-differential-upstream.test.ts).
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d{2})(?: [\t\x20-\x7e\x80-\xff]*)?$/;
// RFC 9112 §7.1.1 chunk-ext, without the BWS it allows: llhttp refuses whitespace after the size, and
// this client took it (found by http-differential-upstream.test.ts). Names and values are tokens or
// quoted strings, so no byte in an extension can be read as the end of the line by another parser.
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})(?:;[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*$/;
// undici's rule for header values: HTAB, SP, VCHAR, obs-text. A CR or LF here would split the request.
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const UNSAFE_PATH = /[^\x21-\xff]/;

/**
 * HTTP/1.1 keep-alive client for body-less requests to the upstream: one socket per request in flight,
 * pooled, with undici's dispatch-handler interface so the proxy code serves from either client. It
 * exists for the fast front's requests, where undici's request objects and header parsing cost
 * about a fifth of a proxied request's CPU (59 → 47 µs, docs/benchmarks.md); bodies keep going through undici.
 * Response framing follows RFC 9112 §6.3; anything it cannot frame is an upstream error (502).
 */
export class UpstreamClient {
  readonly options: UpstreamClientOptions;
  readonly #idle: UpstreamConnection[] = [];
  /** Waiting for a connection, oldest first from `#queueHead` (no shifting a long array per request). */
  #queue: Queued[] = [];
  #queueHead = 0;
  #open = 0;
  #destroyed = false;
  readonly #all = new Set<UpstreamConnection>();

  constructor(options: UpstreamClientOptions) {
    this.options = options;
  }

  /** For an `http:` origin, with undici's Pool defaults for what is not given. */
  static forOrigin(origin: string, limits: Partial<Omit<UpstreamClientOptions, 'host' | 'port' | 'authority'>> = {}): UpstreamClient {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new UpstreamError('UND_ERR_INVALID_ARG', `not an http: origin: ${origin}`);
    return new UpstreamClient({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      authority: url.host,
      connections: 128,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 300_000,
      bodyTimeoutMs: 300_000,
      keepAliveTimeoutMs: 4_000,
      ...limits,
    });
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  dispatch(request: UpstreamRequest, handler: Dispatcher.DispatchHandler): void {
    if (this.#destroyed) throw new UpstreamError('UND_ERR_DESTROYED', 'upstream client destroyed');
    const head = serialise(request, this.options.authority);
    this.#assign({ head, method: request.method, handler });
  }

  #assign(job: Queued): void {
    let connection = this.#idle.pop();
    while (connection?.socket.destroyed) connection = this.#idle.pop();
    if (!connection && this.#open < this.options.connections) {
      connection = new UpstreamConnection(this);
      this.#open++;
      this.#all.add(connection);
    }
    if (connection) connection.start(job.head, job.method, job.handler);
    else this.#queue.push(job);
  }

  #dequeue(): Queued | undefined {
    if (this.#queueHead >= this.#queue.length) return undefined;
    const job = this.#queue[this.#queueHead++];
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    return job;
  }

  /** A connection finished its exchange: reuse it for a queued request, or park it. */
  release(connection: UpstreamConnection): void {
    const next = this.#dequeue();
    if (next) return connection.start(next.head, next.method, next.handler);
    this.#idle.push(connection);
    connection.socket.setTimeout(connection.idleMs);
  }

  forget(connection: UpstreamConnection): void {
    if (!this.#all.delete(connection)) return;
    this.#open--;
    const i = this.#idle.indexOf(connection);
    if (i !== -1) this.#idle.splice(i, 1);
    if (this.#destroyed) return;
    // A slot opened: a queued request gets a fresh connection.
    const next = this.#dequeue();
    if (next) this.#assign(next);
  }

  /** Ends every exchange, queued or in flight, with `reason` (like undici's `destroy`; there is no graceful close). */
  async destroy(reason: Error = new UpstreamError('UND_ERR_DESTROYED', 'upstream client destroyed')): Promise<void> {
    this.#destroyed = true;
    for (let job = this.#dequeue(); job; job = this.#dequeue()) job.handler.onResponseError?.(null as never, reason);
    for (const connection of this.#all) connection.fail(reason);
  }
}

interface Queued {
  head: string;
  method: string;
  handler: Dispatcher.DispatchHandler;
}

function serialise(request: UpstreamRequest, authority: string): string {
  // undici's rule for a request target: no space, no CTL, nothing above U+00FF.
  if (UNSAFE_PATH.test(request.path)) throw new UpstreamError('UND_ERR_INVALID_ARG', 'invalid request path');
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${authority}\r\n`;
  const { headers } = request;
  for (let i = 0; i < headers.length; i += 2) {
    if (UNSAFE_VALUE.test(headers[i]) || UNSAFE_VALUE.test(headers[i + 1])) throw new UpstreamError('UND_ERR_INVALID_ARG', `invalid header ${JSON.stringify(headers[i])}`);
    head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

type Phase = 'connecting' | 'head' | 'body' | 'idle';
type Framing = 'none' | 'length' | 'chunked' | 'close';

/**
 * One exchange's handle on its connection. A stale one (its exchange over, the socket reused) does
 * nothing: a late resume from a finished exchange must not lift the next one's backpressure.
 */
class ExchangeController implements Dispatcher.DispatchController {
  readonly connection: UpstreamConnection;
  aborted = false;
  paused = false;
  reason: Error | null = null;
  rawHeaders: string[] = [];

  constructor(connection: UpstreamConnection) {
    this.connection = connection;
  }

  abort(reason: Error): void {
    if (this.connection.controller !== this || this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.connection.fail(reason);
  }

  pause(): void {
    if (this.connection.controller !== this) return;
    this.paused = true;
    // Waiting on a slow client is not the upstream stalling: no body timeout meanwhile.
    this.connection.socket.setTimeout(0);
    this.connection.socket.pause();
  }

  resume(): void {
    if (this.connection.controller !== this || !this.paused) return;
    this.paused = false;
    this.connection.setPhase(this.connection.phase);
    this.connection.socket.resume();
    this.connection.drain();
  }
}

class UpstreamConnection {
  readonly client: UpstreamClient;
  readonly socket: Socket;
  phase: Phase = 'connecting';
  handler: Dispatcher.DispatchHandler | null = null;
  method = '';
  buffer: Buffer | null = null;
  framing: Framing = 'none';
  remaining = 0;
  /** Chunked decoding: reading a size line (`size`), data (`data`), the CRLF after data (`crlf`) or trailers. */
  chunkState: 'size' | 'data' | 'crlf' | 'trailers' = 'size';
  keepAlive = true;
  idleMs = 0;
  controller: ExchangeController | null = null;

  constructor(client: UpstreamClient) {
    this.client = client;
    const { options } = client;
    this.socket = connect({ host: options.host, port: options.port, noDelay: true });
    this.socket.setTimeout(options.connectTimeoutMs);
    this.socket.once('connect', () => {
      if (this.phase === 'connecting') this.setPhase('head');
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('timeout', () => this.onTimeout());
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(new UpstreamError(err.code ?? 'UND_ERR_SOCKET', err.message)));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => {
      this.fail(new UpstreamError('UND_ERR_SOCKET', 'other side closed'));
      this.client.forget(this);
    });
  }

  start(head: string, method: string, handler: Dispatcher.DispatchHandler): void {
    const controller = new ExchangeController(this);
    this.controller = controller;
    this.handler = handler;
    this.method = method;
    this.framing = 'none';
    this.keepAlive = true;
    handler.onRequestStart?.(controller, {});
    if (controller.aborted) return;
    this.socket.write(head, 'latin1');
    if (this.phase !== 'connecting') this.setPhase('head');
  }

  setPhase(phase: Phase): void {
    this.phase = phase;
    const { options } = this.client;
    if (phase === 'head') this.socket.setTimeout(options.headersTimeoutMs);
    else if (phase === 'body') this.socket.setTimeout(options.bodyTimeoutMs);
  }

  onTimeout(): void {
    if (this.phase === 'idle') return void this.socket.destroy();
    if (!this.handler) return;
    const code = this.phase === 'connecting' ? 'UND_ERR_CONNECT_TIMEOUT' : this.phase === 'head' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT';
    this.fail(new UpstreamError(code, `upstream ${this.phase} timeout`));
  }

  onData(chunk: Buffer): void {
    if (!this.handler) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      return void this.socket.destroy();
    }
    this.buffer = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    this.drain();
  }

  onEnd(): void {
    if (this.handler && this.phase === 'body' && this.framing === 'close') {
      const rest = this.buffer;
      this.buffer = null;
      if (rest) this.deliver(rest);
      return this.complete();
    }
    this.socket.destroy();
  }

  /** Parses what is buffered, as far as the handler lets it (pause). */
  drain(): void {
    while (this.buffer !== null && this.handler && !this.controller!.paused) {
      if (this.phase === 'head') {
        if (!this.parseHead()) return;
      } else if (this.phase === 'body') {
        if (!this.parseBody()) return;
      } else return;
    }
  }

  parseHead(): boolean {
    const buffer = this.buffer!;
    const end = buffer.indexOf(CRLFCRLF);
    if (end === -1 ? buffer.length > MAX_HEAD_BYTES : end > MAX_HEAD_BYTES) {
      this.fail(new UpstreamError('UND_ERR_HEADERS_OVERFLOW', 'upstream response head too large'));
      return false;
    }
    if (end === -1) return false;
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    this.buffer = end + 4 === buffer.length ? null : buffer.subarray(end + 4);
    const status = STATUS_LINE.exec(lines[0]);
    if (!status) return this.protocolError('malformed status line');
    const code = Number(status[2]);
    const raw: string[] = [];
    let length: string | undefined;
    let codings: string | undefined;
    let close = status[1] === '0';
    let keepAliveHint: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const m = FIELD_LINE.exec(lines[i]);
      if (!m) return this.protocolError('malformed header line');
      const name = m[1];
      const value = fieldValue(m[2]);
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        // A second line is refused even with the same value, as llhttp does (HPE_UNEXPECTED_CONTENT_LENGTH):
        // passed on, both lines reached the client, whose parser refused the answer (found by the large run
        // of http-differential-upstream.test.ts).
        if (!/^\d{1,15}$/.test(value) || length !== undefined) return this.protocolError('invalid Content-Length');
        length = value;
      } else if (lower === 'transfer-encoding') {
        // llhttp does not take `chunked` followed by a tab as chunked and reads the body until close, where
        // this client, trimming the OWS (RFC 9110 §5.5), read chunks: two framings of one answer. Refused
        // (found by the large run of http-differential-upstream.test.ts).
        if (value !== m[2]) return this.protocolError('Transfer-Encoding with trailing whitespace');
        codings = codings === undefined ? value : `${codings}, ${value}`;
      }
      else if (lower === 'connection' && /(?:^|,)[\t ]*close[\t ]*(?:,|$)/i.test(value)) close = true;
      else if (lower === 'keep-alive') keepAliveHint = /(?:^|[,;\s])timeout=(\d+)/i.exec(value)?.[1];
      raw.push(name, value);
    }
    // RFC 9110 §15.2: interim answers are not the response; 101 would switch protocols, which no request here asked for.
    // A 100 answers an Expect: 100-continue nobody sent: undici refuses it ("bad response"), and so does
    // this client, so the two agree (found by http-differential-upstream.test.ts).
    if (code >= 100 && code < 200) return code === 101 || code === 100 ? this.protocolError(`unexpected ${code}`) : true;
    // RFC 9112 §6.3: both together "ought to be handled as an error"; undici refuses them too. Forwarding
    // the Content-Length beside the chunked body would desynchronise the client's kept-alive connection.
    if (codings !== undefined && length !== undefined) return this.protocolError('Content-Length with Transfer-Encoding');
    this.keepAlive = !close;
    // The upstream's own idle limit, less a second, like undici: reusing a socket it is closing fails the request.
    this.idleMs = keepAliveHint === undefined ? this.client.options.keepAliveTimeoutMs : Math.min(this.client.options.keepAliveTimeoutMs, Number(keepAliveHint) * 1000 - 1000);
    if (this.idleMs <= 0) this.keepAlive = false;
    if (this.method === 'HEAD' || code === 204 || code === 304) {
      this.framing = 'none';
      // Bytes after a body-less response were not asked for: do not reuse this connection.
      if (this.buffer !== null) this.keepAlive = false;
    }
    else if (codings !== undefined) {
      // RFC 9112 §6.3: chunked last frames the body; any other coding is read until close.
      this.framing = /(?:^|,)[\t ]*chunked[\t ]*$/i.test(codings) ? 'chunked' : 'close';
      this.chunkState = 'size';
    } else if (length !== undefined) {
      this.framing = 'length';
      this.remaining = Number(length);
    } else this.framing = 'close';
    if (this.framing === 'close') this.keepAlive = false;
    this.controller!.rawHeaders = raw;
    this.setPhase('body');
    this.handler!.onResponseStart?.(this.controller!, code, {}, '');
    if (this.framing === 'none' || (this.framing === 'length' && this.remaining === 0)) {
      if (this.buffer !== null) this.keepAlive = false;
      this.buffer = null;
      this.complete();
      return false;
    }
    return this.handler !== null;
  }

  parseBody(): boolean {
    const buffer = this.buffer!;
    if (this.framing === 'close') {
      this.buffer = null;
      this.deliver(buffer);
      return false;
    }
    if (this.framing === 'length') {
      const take = Math.min(this.remaining, buffer.length);
      this.remaining -= take;
      this.buffer = take === buffer.length ? null : buffer.subarray(take);
      this.deliver(take === buffer.length ? buffer : buffer.subarray(0, take));
      if (this.remaining === 0 && this.handler) {
        // Bytes after a complete response, unasked for: do not reuse this connection.
        if (this.buffer !== null) this.keepAlive = false;
        this.buffer = null;
        this.complete();
      }
      return false;
    }
    return this.parseChunked();
  }

  parseChunked(): boolean {
    let buffer = this.buffer!;
    while (buffer.length > 0 && this.handler && !this.controller!.paused) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, buffer.length);
        this.remaining -= take;
        const data = buffer.subarray(0, take);
        buffer = buffer.subarray(take);
        if (this.remaining === 0) this.chunkState = 'crlf';
        this.buffer = buffer.length === 0 ? null : buffer;
        this.deliver(data);
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol === -1) {
        if (buffer.length > 4096) return this.protocolError('chunk line too long');
        this.buffer = buffer;
        return false;
      }
      const line = buffer.toString('latin1', 0, eol);
      buffer = buffer.subarray(eol + 2);
      this.buffer = buffer.length === 0 ? null : buffer;
      if (this.chunkState === 'crlf') {
        if (line !== '') return this.protocolError('chunk not followed by CRLF');
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const m = CHUNK_SIZE.exec(line);
        if (!m) return this.protocolError('invalid chunk size');
        this.remaining = Number.parseInt(m[1], 16);
        this.chunkState = this.remaining === 0 ? 'trailers' : 'data';
      } else if (line !== '') {
        // Dropped, but parsed: a trailer line llhttp refuses (a CR in its value, RFC 9110 §5.5) makes the
        // whole answer invalid for undici too (found by http-differential-upstream.test.ts).
        if (!FIELD_LINE.test(line)) return this.protocolError('malformed trailer line');
      } else {
        // Trailers are dropped: RFC 9110 §6.5 lets a proxy discard them, and none is forwarded as a header.
        if (buffer.length > 0) this.keepAlive = false;
        this.buffer = null;
        this.complete();
        return false;
      }
    }
    return false;
  }

  deliver(chunk: Buffer): void {
    if (chunk.length > 0) this.handler?.onResponseData?.(this.controller!, chunk);
  }

  complete(): void {
    const { handler, controller } = this;
    if (!handler || !controller) return;
    this.handler = null;
    this.controller = null;
    this.phase = 'idle';
    // The exchange may have paused reading; the next one on this socket starts unpaused.
    if (controller.paused) this.socket.resume();
    if (this.keepAlive && !this.socket.destroyed) this.client.release(this);
    else this.socket.destroy();
    handler.onResponseEnd?.(controller, {});
  }

  protocolError(message: string): false {
    this.fail(new UpstreamError('HPE_INVALID', `upstream sent an invalid response: ${message}`));
    return false;
  }

  fail(error: Error): void {
    const { handler, controller } = this;
    this.handler = null;
    this.controller = null;
    this.buffer = null;
    if (!this.socket.destroyed) this.socket.destroy();
    if (handler && controller) handler.onResponseError?.(controller, error);
  }
}
