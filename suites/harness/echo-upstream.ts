import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface EchoUpstream {
  url: string;
  port: number;
  /** Recorded requests, oldest first (at most `capacity`). */
  received(): RecordedRequest[];
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
 * The upstream behind every gateway under test: answers 200 with what reached it, so a case can
 * tell "refused at the gateway" from "forwarded", and what headers the gateway added or removed.
 */
export function startEchoUpstream({ port = 0, record = true, capacity = 1000 }: EchoUpstreamOptions = {}): Promise<EchoUpstream> {
  const ring: RecordedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    if (record) {
      const entry = { ...seen, receivedAt: Date.now() };
      if (ring.length < capacity) ring.push(entry);
      else ring[next] = entry;
      next = (next + 1) % capacity;
    }
    const body = JSON.stringify(seen);
    // Drain any request body before answering so the keep-alive connection stays usable.
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
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
        clear: () => {
          ring.length = 0;
          next = 0;
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
