import { STATUS_CODES, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { GatewayRequest, GatewayResponse } from './gateway-exchange.ts';
import { parseRequestHead } from './request-head-parser.ts';

export interface FastFrontOptions {
  /** Serves every request, from either front. */
  handler: (req: GatewayRequest, res: GatewayResponse) => void;
  /** Takes over any connection whose next request is not a plain body-less HTTP/1.1 request. */
  fallback: HttpServer;
  maxHeaderBytes: number;
  keepAliveTimeoutMs: number;
  /** A request head must be complete this long after its first byte, else 408 (slowloris). */
  headersTimeoutMs: number;
}

const CHUNK_END = Buffer.from('\r\n');
const LAST_CHUNK = '0\r\n\r\n';
// What node:http answers when its headersTimeout fires.
const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

/**
 * The reference gateway's listening socket. Plain body-less HTTP/1.1 requests (the bulk of API
 * gateway traffic) are parsed here and answered with hand-framed responses: node:http's request
 * and response streams cost about a third of a proxied request's CPU (80 → 55 µs, docs/benchmarks.md). The first
 * request that is anything else hands the connection, with its unread bytes, to node:http for good.
 */
export function createFastFront(options: FastFrontOptions): Server {
  // Half-open: a client may send its request and then its FIN, and still read the answer. node:http does
  // not quite: with httpAllowHalfOpen off (the reference server's), a FIN aborts the requests it has in
  // flight, so a connection handed over answers nothing after the client's FIN (http-differential-front.test.ts
  // keeps its connections open for that reason; the difference is reported, not hidden).
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    new FastConnection(socket, options);
  });
  return server;
}

class FastConnection {
  readonly socket: Socket;
  readonly options: FastFrontOptions;
  readonly remoteAddress: string;
  pending: Buffer | null = null;
  busy = false;
  /** The client sent its FIN: answer what was received, then close. */
  ended = false;
  /** Armed while a request head is incomplete. */
  headTimer: NodeJS.Timeout | null = null;
  readonly onHeadTimeout = () => {
    this.headTimer = null;
    if (this.busy || this.socket.destroyed) return;
    this.pending = null;
    this.socket.end(REQUEST_TIMEOUT, () => this.socket.destroy());
  };
  readonly onData = (chunk: Buffer) => {
    this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.busy) this.next();
    // A client pipelining faster than it is answered waits in its own socket buffer, not in this heap.
    else if (this.pending.length > this.options.maxHeaderBytes) this.socket.pause();
  };
  readonly onTimeout = () => {
    if (!this.busy && this.headTimer === null) this.socket.destroy();
  };
  readonly onEnd = () => {
    this.ended = true;
    if (!this.busy) this.next();
  };

  constructor(socket: Socket, options: FastFrontOptions) {
    this.socket = socket;
    this.options = options;
    this.remoteAddress = socket.remoteAddress ?? '';
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('end', this.onEnd);
    // Errors end in 'close'; a response in flight sees `destroyed` and aborts its upstream request.
    socket.on('error', noop);
    socket.once('close', () => this.clearHeadTimer());
    socket.setTimeout(options.keepAliveTimeoutMs);
  }

  next(): void {
    const buffer = this.pending;
    if (this.socket.destroyed) return;
    if (buffer === null) {
      if (this.ended) this.socket.end();
      return;
    }
    const verdict = parseRequestHead(buffer, this.options.maxHeaderBytes);
    // Too large (node:http answers 431), bare LF, or not simple: node:http's parser and timers take over.
    if (verdict.kind === 'handover') return this.handOver();
    if (verdict.kind === 'incomplete') {
      // An incomplete head and then the client's FIN: no request will ever complete.
      if (this.ended) return void this.socket.destroy();
      // A head split across reads (a large token over a real network): wait for the rest, from its first byte on.
      if (this.headTimer === null) {
        this.headTimer = setTimeout(this.onHeadTimeout, this.options.headersTimeoutMs);
        this.headTimer.unref();
      }
      return;
    }
    this.clearHeadTimer();
    const { head, consumed } = verdict;
    this.pending = consumed === buffer.length ? null : buffer.subarray(consumed);
    this.busy = true;
    const res = new FastResponse(this, head.method === 'HEAD', head.close);
    this.options.handler({ method: head.method, url: head.url, rawHeaders: head.rawHeaders, remoteAddress: this.remoteAddress, body: null }, res);
  }

  /** Called once a response is complete: the next pipelined request, if any, is served in order. */
  done(close: boolean): void {
    this.busy = false;
    if (this.socket.isPaused()) this.socket.resume();
    // Closed once flushed, as node:http does: the client has been told, and nothing else is read.
    if (close) this.socket.end(() => this.socket.destroy());
    else this.next();
  }

  clearHeadTimer(): void {
    if (this.headTimer === null) return;
    clearTimeout(this.headTimer);
    this.headTimer = null;
  }

  handOver(): void {
    const { socket } = this;
    this.clearHeadTimer();
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('end', this.onEnd);
    socket.setTimeout(0);
    socket.pause();
    if (this.pending) socket.unshift(this.pending);
    this.pending = null;
    // Documented for injecting connections (node:http 'connection' event); buffered bytes are read first.
    this.options.fallback.emit('connection', socket);
    socket.resume();
  }
}

function noop(): void {}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws as node:http does for a header it would not write (RFC 9110 §5.1 token names, §5.5 field values). */
function checkField(name: string, value: string): void {
  if (!TOKEN.test(name)) throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), { code: 'ERR_INVALID_HTTP_TOKEN' });
  if (UNSAFE_VALUE.test(value)) throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
}

let dateSecond = 0;
let dateValue = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/**
 * A response written straight to the socket: the status line and headers go out with the first body
 * bytes in one write, like node:http does. A body without Content-Length is sent chunked.
 */
class FastResponse implements GatewayResponse {
  readonly connection: FastConnection;
  readonly head: boolean;
  close: boolean;
  headersSent = false;
  finished = false;
  chunked = false;
  bodyless = false;
  headerBlock = '';
  /** Headers set with setHeader, name, value… */
  extra: string[] | null = null;

  constructor(connection: FastConnection, head: boolean, close: boolean) {
    this.connection = connection;
    this.head = head;
    this.close = close;
  }

  get destroyed(): boolean {
    return this.connection.socket.destroyed;
  }

  /** Kept for the head, like node:http's; a header given to writeHead under the same name wins. */
  setHeader(name: string, value: string): void {
    checkField(name, value);
    if (name.toLowerCase() === 'connection') {
      // This front frames the connection itself: only the client's wish to close it is taken.
      if (/(?:^|,)[\t ]*close[\t ]*(?:,|$)/i.test(value)) this.close = true;
      return;
    }
    (this.extra ??= []).push(name, value);
  }

  writeHead(status: number, headers: string[] | Record<string, string>): this {
    let block = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    let length = false;
    let date = false;
    const given = this.extra ? new Set<string>() : null;
    const add = (name: string, value: string) => {
      // node:http refuses the same (ERR_INVALID_HTTP_TOKEN, ERR_INVALID_CHAR): a CR or LF here would start a header of its own.
      checkField(name, value);
      const lower = name.length === 14 || name.length === 4 ? name.toLowerCase() : '';
      if (lower === 'content-length') length = true;
      else if (lower === 'date') date = true;
      given?.add(name.toLowerCase());
      block += `${name}: ${value}\r\n`;
    };
    if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) add(headers[i], headers[i + 1]);
    else for (const name in headers) add(name, headers[name]);
    if (this.extra) {
      const extra = this.extra;
      for (let i = 0; i < extra.length; i += 2) if (!given!.has(extra[i].toLowerCase())) add(extra[i], extra[i + 1]);
    }
    if (!date) block += `Date: ${httpDate()}\r\n`;
    // RFC 9110 §6.4.1: no content for these, whatever the headers say.
    this.bodyless = this.head || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (!length && !this.bodyless) {
      this.chunked = true;
      block += 'Transfer-Encoding: chunked\r\n';
    }
    if (this.close) block += 'Connection: close\r\n';
    this.headerBlock = `${block}\r\n`;
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer): boolean {
    const { socket } = this.connection;
    if (this.bodyless || chunk.length === 0) return this.flushHead();
    socket.cork();
    if (this.headerBlock) this.flushHead();
    if (this.chunked) {
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      socket.write(CHUNK_END);
    } else socket.write(chunk);
    socket.uncork();
    return !socket.writableNeedDrain;
  }

  end(body?: string): void {
    if (this.finished) return;
    this.finished = true;
    const { socket } = this.connection;
    if (socket.destroyed) return;
    socket.cork();
    if (body !== undefined && body.length > 0) this.write(Buffer.from(body, 'latin1'));
    this.flushHead();
    if (this.chunked) socket.write(LAST_CHUNK, 'latin1');
    socket.uncork();
    this.connection.done(this.close);
  }

  destroy(error?: Error): void {
    this.finished = true;
    this.connection.socket.destroy(error);
  }

  on(event: 'drain' | 'close', listener: () => void): this {
    this.connection.socket.on(event, listener);
    return this;
  }

  off(event: 'drain' | 'close', listener: () => void): this {
    this.connection.socket.off(event, listener);
    return this;
  }

  private flushHead(): boolean {
    const { socket } = this.connection;
    if (this.headerBlock) {
      socket.write(this.headerBlock, 'latin1');
      this.headerBlock = '';
    }
    return !socket.writableNeedDrain;
  }
}
