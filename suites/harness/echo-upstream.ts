import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RecordedRequest {
  method: string;
  /** Path with query string, exactly as the gateway sent it. */
  path: string;
  headers: IncomingHttpHeaders;
  /**
   * Every header line as received: node:http keeps only the first of a repeated Authorization, Host or
   * Content-Type in `headers`, and a gateway that forwards a second, unverified Authorization line must
   * still show.
   */
  rawHeaders: string[];
  receivedAt: number;
  /** The connection it arrived on (`connections()`), 0 when raw recording is off. */
  connection: number;
}

/** One connection from the gateway, as bytes: what a request-by-request record cannot show. */
export interface RecordedConnection {
  id: number;
  /** The last RAW_TAIL bytes received, as latin1. */
  raw: string;
  /** llhttp (node:http's parser) refused what arrived: its code and reason. Another server might have read those bytes as a request. */
  parseError?: string;
}

export interface EchoUpstream {
  url: string;
  port: number;
  /** Recorded requests, oldest first (at most `capacity`). */
  received(): RecordedRequest[];
  /** Recorded connections, oldest first (at most `capacity`). */
  connections(): RecordedConnection[];
  clear(): void;
  close(): Promise<void>;
}

export interface EchoUpstreamOptions {
  port?: number;
  /** false for benchmarks: no per-request bookkeeping. */
  record?: boolean;
  /** Ring size; older requests are dropped first. */
  capacity?: number;
}

/**
 * A request carrying this header with one of ANSWERS' names gets that answer, byte for byte, instead of
 * the echo, and the connection closes after it (or is held open: HELD_OPEN): an upstream misbehaving on
 * purpose, so a case can show what the gateway passes on to its client.
 */
export const ECHO_ANSWER_HEADER = 'x-gatecheck-echo-answer';
export const ANSWERS = {
  // RFC 9112 §6.3: both framings at once; forwarded with the Content-Length, a kept-alive client reads
  // "hel" as the body and "lo…" as the start of its next response.
  'content-length-and-chunked': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  // RFC 9112 §6.3 (5): differing Content-Length values are an unrecoverable framing error. Passed on as
  // they came, a client taking the first reads "hel" and takes "lo" for the start of its next answer.
  'two-content-lengths': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nhello',
  // RFC 9112 §2.2: a recipient MAY take a bare LF as a line end; relayed byte for byte, a strict client
  // (llhttp) cannot frame the answer at all, and others disagree on where the head ends.
  'bare-lf-line-endings': 'HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\n\nhello',
  // RFC 9110 §5.5: a CR inside a field value MUST be refused or replaced by SP before forwarding. Relayed,
  // a client that ends lines at a bare CR reads a Content-Length of 0 and the body as its next answer.
  'cr-inside-header-value': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Note: a\rContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello',
  // RFC 9110 §5.4: a 100 kB field line, and the head never ends (the connection is held open, see
  // HELD_OPEN). A gateway with a limit answers at once (502); one without waits, or relays it piecemeal.
  'oversized-head': `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Filler: ${'a'.repeat(100_000)}\r\n`,
  // RFC 9112 §6.3, §8: the upstream closes after 5 of 100 promised bytes. The client must see its answer
  // cut off (the gateway closes the connection), never the next answer read as the rest of this body.
  'closed-before-body-ends': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhello',
} as const;

/** Answers written without closing the connection afterwards: held open until the gateway closes it, or HOLD_MS. */
export const HELD_OPEN: ReadonlySet<keyof typeof ANSWERS> = new Set(['oversized-head']);
const HOLD_MS = 10_000;

/** Enough for a request head and a smuggled one behind it; a kept-alive connection keeps only its newest bytes. */
const RAW_TAIL = 65_536;

/**
 * The upstream behind every gateway under test: answers 200 with what reached it, so a case can tell
 * "refused at the gateway" from "forwarded", and what headers the gateway added or removed. It also
 * keeps the bytes of each connection, with what llhttp refused there, so request smuggling shows even
 * when the smuggled bytes never parse as a request here. It plays an ordinary REST backend: an
 * `Upgrade` request (websocket, h2c) is answered like any other, never with 101, and the connection
 * stays HTTP/1.1, so requests a gateway pipes behind one still arrive as requests.
 */
export function startEchoUpstream({ port = 0, record = true, capacity = 1000 }: EchoUpstreamOptions = {}): Promise<EchoUpstream> {
  const ring: RecordedRequest[] = [];
  let next = 0;
  const conns: RecordedConnection[] = [];
  const bySocket = new WeakMap<Duplex, RecordedConnection>();
  let connectionIds = 0;

  const remember = (req: IncomingMessage) => {
    const seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    if (record) {
      const entry = { ...seen, receivedAt: Date.now(), connection: bySocket.get(req.socket)?.id ?? 0 };
      if (ring.length < capacity) ring.push(entry);
      else ring[next] = entry;
      next = (next + 1) % capacity;
    }
    return seen;
  };

  const server = createServer((req, res) => {
    const seen = remember(req);
    const answer = ANSWERS[req.headers[ECHO_ANSWER_HEADER] as keyof typeof ANSWERS] as string | undefined;
    const body = JSON.stringify(seen);
    // Drain any request body before answering so the keep-alive connection stays usable.
    req.resume();
    req.once('end', () => {
      if (answer && HELD_OPEN.has(req.headers[ECHO_ANSWER_HEADER] as keyof typeof ANSWERS)) {
        req.socket.write(answer);
        // Bounded: the echo upstream's close() ends it sooner (closeAllConnections).
        const timer = setTimeout(() => req.socket.destroy(), HOLD_MS);
        timer.unref();
        req.socket.once('close', () => clearTimeout(timer));
        return;
      }
      if (answer) return void req.socket.end(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  if (record) {
    server.on('connection', (socket: Socket) => {
      if (bySocket.has(socket)) return;
      const entry: RecordedConnection = { id: ++connectionIds, raw: '' };
      bySocket.set(socket, entry);
      conns.push(entry);
      if (conns.length > capacity) conns.shift();
      socket.on('data', (chunk: Buffer) => {
        entry.raw += chunk.toString('latin1');
        if (entry.raw.length > RAW_TAIL) entry.raw = entry.raw.slice(-RAW_TAIL);
      });
    });
  }
  server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    const entry = bySocket.get(socket);
    if (entry && err.code?.startsWith('HPE_') && err.code !== 'HPE_INVALID_EOF_STATE') entry.parseError = `${err.code} ${err.reason ?? err.message}`;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  // A REST backend knows no upgrade: answer as usual and go on reading HTTP/1.1 from the same connection.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const seen = remember(req);
    const body = JSON.stringify(seen);
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    if (head.length) socket.unshift(head);
    server.emit('connection', socket);
  });
  // Longer than any gateway's idle upstream connection: if we closed an idle pooled connection
  // first, a proxy could reuse it at that moment and answer 502, a flaky failure that is nobody's bug.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.maxRequestsPerSocket = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        received: () => (ring.length < capacity ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]),
        connections: () => conns.map((c) => ({ ...c })),
        clear: () => {
          ring.length = 0;
          next = 0;
          conns.length = 0;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
