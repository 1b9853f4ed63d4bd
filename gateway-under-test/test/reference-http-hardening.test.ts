import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../reference/config.ts';
import { listen } from '../reference/listen.ts';
import { createReferenceServer, type ReferenceServer } from '../reference/server.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';
import { settledHeapBytes } from './reference-support/heap.ts';
import { nowSeconds, rsaKey, signJws } from './reference-support/key-fixture.ts';
import { rawExchange, statuses } from './reference-support/raw-http.ts';

/**
 * The reference gateway's HTTP front under malformed and hostile traffic (docs/reliability.md §2, catalogue A16):
 * raw bytes over 127.0.0.1 sockets, so nothing between the test and the server repairs the request.
 * Every answer is a clean 4xx (RFC 9112 framing errors are 400, oversized heads 431, stalled heads 408),
 * the server keeps serving, nothing reaches the upstream that the gateway did not authorise, and
 * neither sockets nor heap accumulate.
 */
const ISS = 'https://issuer.gatecheck.test';
const AUD = 'api://orders';
const key = rsaKey('k1');
let upstream: EchoUpstream;
let gw: ReferenceServer;
let port: number;
let token: string;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  const config = parseGatewayConfig({
    listen: { port: 0 },
    admin: false,
    issuers: [{ issuer: ISS, keys: [key.jwk] }],
    audiences: [AUD],
    routes: [{ path: '/*' }],
    upstream: { url: upstream.url },
    log: { level: 'silent', accessLog: false },
    // Short enough for a test to see the 408; the defaults are 20 s / 300 s / 1 s.
    http: { headersTimeoutMs: 300, requestTimeoutMs: 1500, checkIntervalMs: 100 },
  });
  gw = createReferenceServer(config);
  await gw.runtime.start();
  port = await listen(gw.server, '127.0.0.1', 0);
  token = signJws({ alg: 'RS256', typ: 'JWT', kid: 'k1' }, { iss: ISS, aud: AUD, sub: 'alice', exp: nowSeconds() + 3600 }, key);
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const auth = () => `Authorization: Bearer ${token}\r\n`;
async function stillServes(): Promise<void> {
  const r = await rawExchange(port, `GET /alive HTTP/1.1\r\nHost: gw\r\n${auth()}Connection: close\r\n\r\n`);
  expect(r.status).toBe(200);
}
const smuggled = () => upstream.seen.filter((s) => s.url.includes('smuggled'));

const MALFORMED: [name: string, request: () => string, status: number][] = [
  ['request line that is not HTTP', () => 'GARBAGE\r\n\r\n', 400],
  ['method with a separator character', () => 'G(T / HTTP/1.1\r\nHost: gw\r\n\r\n', 400],
  ['unknown HTTP version', () => 'GET / HTTP/9.9\r\nHost: gw\r\n\r\n', 400],
  // llhttp reads a request line without a version as HTTP/0.9 and parses the header lines after it.
  ['a request line without a version (HTTP/0.9), with headers after it', () => `GET /smuggled\r\nHost: gw\r\n${auth()}\r\n`, 400],
  ['the HTTP/2 connection preface method PRI', () => 'PRI /smuggled HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
  ['HTTP/1.1 without Host (RFC 9112 §3.2)', () => 'GET / HTTP/1.1\r\n\r\n', 400],
  ['space inside a header name', () => 'GET / HTTP/1.1\r\nHost: gw\r\nBad Name: x\r\n\r\n', 400],
  ['space before the colon (RFC 9112 §5.1)', () => 'GET / HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding : chunked\r\n\r\n', 400],
  ['obsolete line folding (RFC 9112 §5.2)', () => 'GET / HTTP/1.1\r\nHost: gw\r\nX-A: y\r\n z\r\n\r\n', 400],
  ['bare LF line endings', () => 'GET / HTTP/1.1\nHost: gw\n\n', 400],
  ['NUL inside a header value', () => 'GET / HTTP/1.1\r\nHost: gw\r\nX-A: a\u0000b\r\n\r\n', 400],
  ['CR inside a header value', () => 'GET / HTTP/1.1\r\nHost: gw\r\nX-A: a\rb\r\n\r\n', 400],
  ['one 20 KiB header (over maxHeaderBytes)', () => `GET / HTTP/1.1\r\nHost: gw\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ['1,500 small headers', () => `GET / HTTP/1.1\r\nHost: gw\r\n${'a:b\r\n'.repeat(1500)}\r\n`, 431],
  ['a 64 KiB request target', () => `GET /${'a'.repeat(65_536)} HTTP/1.1\r\nHost: gw\r\n\r\n`, 431],
  ['Content-Length and Transfer-Encoding together (CL.TE smuggling, RFC 9112 §6.3)', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n`, 400],
  ['two different Content-Length values', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`, 400],
  ['negative Content-Length', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: -1\r\n\r\n`, 400],
  ['Content-Length with a sign', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: +4\r\n\r\nabcd`, 400],
  ['chunked not the final coding (TE.CL smuggling)', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Transfer-Encoding: chunked, identity\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n`, 400],
  ['an unknown transfer coding', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Transfer-Encoding: xchunked\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n`, 400],
  ['a chunk size that is not hex', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`, 400],
  ['a chunk longer than its size', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Transfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n`, 400],
  ['a chunk size that overflows 64 bits', () => `POST /a HTTP/1.1\r\nHost: gw\r\n${auth()}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n`, 400],
];

describe('reference gateway HTTP front under malformed requests (RFC 9112, catalogue A16)', () => {
  it.each(MALFORMED.map(([name, request, status]) => [name, status, request] as const))('answers %s with a clean %i and closes, and keeps serving', async (_name, status, request) => {
    const r = await rawExchange(port, request());
    expect(r.status).toBe(status);
    expect(r.closedByServer).toBe(true);
    await stillServes();
    expect(smuggled()).toEqual([]);
  });

  it('answers a pipelined second request on its own merits: the unauthenticated one is refused, never smuggled with the first token', async () => {
    const r = await rawExchange(port, `GET /p1 HTTP/1.1\r\nHost: gw\r\n${auth()}\r\nGET /smuggled HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(statuses(r.text)).toEqual([200, 401]);
    expect(smuggled()).toEqual([]);
  });
});

describe('reference gateway: what the upstream receives is what was authorised', () => {
  it.each([
    ['two Host headers (RFC 9112 §3.2)', 'GET /h1 HTTP/1.1\r\nHost: gw\r\nHost: internal\r\n'],
    ['a Host with a path in it (RFC 9112 §3.2)', 'GET /h2 HTTP/1.1\r\nHost: gw/admin\r\n'],
    ['an absolute-form target with userinfo (RFC 9110 §4.2.4)', 'GET http://user@gw/h3 HTTP/1.1\r\nHost: gw\r\n'],
  ])('answers %s with 400 before anything reaches the upstream', async (_name, head) => {
    const before = upstream.seen.length;
    const r = await rawExchange(port, `${head}${auth()}Connection: close\r\n\r\n`);
    expect(r.status === 400 || r.status === 404).toBe(true);
    expect(upstream.seen.length).toBe(before);
  });

  it('drops fields listed on any Connection line, not only the last one (RFC 9110 §7.6.1)', async () => {
    await rawExchange(port, `GET /conn HTTP/1.1\r\nHost: gw\r\n${auth()}Connection: x-hop-a\r\nConnection: close\r\nX-Hop-A: 1\r\nX-Kept: 1\r\n\r\n`);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/conn');
    expect(seen.headers['x-hop-a']).toBeUndefined();
    expect(seen.headers['x-kept']).toBe('1');
  });

  it('forwards neither method nor request-target overrides: X-HTTP-Method(-Override), X-Method-Override, X-Original-URL, X-Rewrite-URL, ?_method=', async () => {
    await rawExchange(port, `POST /ovr?a=1&_method=DELETE&%5Fmethod=PUT&b=%2F HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: 0\r\nX-HTTP-Method-Override: DELETE\r\nX-HTTP-Method: DELETE\r\nX-Method-Override: DELETE\r\nX-Original-URL: /admin\r\nX-Rewrite-URL: /admin\r\nConnection: close\r\n\r\n`);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/ovr?a=1&b=%2F');
    for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url']) expect(seen.headers[name], name).toBeUndefined();
  });

  it('routes an absolute-form target by its path and forwards origin-form (RFC 9112 §3.2.2)', async () => {
    const r = await rawExchange(port, `GET http://gw.test/abs?x=1 HTTP/1.1\r\nHost: other\r\n${auth()}Connection: close\r\n\r\n`);
    expect(r.status).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/abs?x=1');
    expect(seen.headers['x-forwarded-host']).toBe('gw.test');
  });
});

describe('reference gateway HTTP front with form-body tokens enabled (RFC 6750 §2.2)', () => {
  it('answers a form body over 64 KiB with a clean 400 and Connection: close (it used to reset the socket with no answer)', async () => {
    const config = parseGatewayConfig({
      listen: { port: 0 },
      admin: false,
      issuers: [{ issuer: ISS, keys: [key.jwk] }],
      audiences: [AUD],
      routes: [{ path: '/*' }],
      upstream: { url: upstream.url },
      log: { level: 'silent', accessLog: false },
      token: { locations: { body: true } },
    });
    const bodyGw = createReferenceServer(config);
    try {
      await bodyGw.runtime.start();
      const bodyPort = await listen(bodyGw.server, '127.0.0.1', 0);
      const body = `access_token=${'a'.repeat(100_000)}`;
      const r = await rawExchange(bodyPort, `POST /form HTTP/1.1\r\nHost: gw\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
      expect(r.text).toMatch(/error="invalid_request"/);
      const ok = await rawExchange(bodyPort, `POST /form HTTP/1.1\r\nHost: gw\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${token.length + 13}\r\nConnection: close\r\n\r\naccess_token=${token}`);
      expect(ok.status).toBe(200);
    } finally {
      await bodyGw.close();
    }
  });
});

describe('reference gateway HTTP front under slow clients (slowloris)', () => {
  it('answers 408 to a request head held open, for 40 such connections at once, while serving others', async () => {
    const held = Array.from({ length: 40 }, () => rawExchange(port, 'GET /a HTTP/1.1\r\nHost: gw\r\nX-Partial: ', { maxMs: 10_000 }));
    await stillServes();
    const results = await Promise.all(held);
    for (const r of results) {
      expect(r.status).toBe(408);
      expect(r.closedByServer).toBe(true);
    }
    await stillServes();
  });

  it('answers 408 to a head that trickles in one byte at a time (the timeout counts from the first byte, not the last)', async () => {
    let sent = 0;
    const r = await rawExchange(port, 'GET /a HTTP/1.1\r\nHost: gw\r\n', {
      maxMs: 10_000,
      onSocket(socket) {
        const timer = setInterval(() => {
          // Bounded: 100 bytes at most, and never after the server closed.
          if (socket.destroyed || sent >= 100) return clearInterval(timer);
          socket.write(sent % 2 === 0 ? 'X' : 'y');
          sent++;
        }, 20);
        socket.once('close', () => clearInterval(timer));
      },
    });
    expect(r.status).toBe(408);
    expect(sent).toBeLessThan(100);
  });

  it('closes an authenticated upload whose body stalls (requestTimeout), and the upstream request is aborted, not left open', async () => {
    const before = upstream.seen.length;
    const r = await rawExchange(port, `POST /upload HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: 1000\r\n\r\n0123456789`, { maxMs: 10_000 });
    expect(r.closedByServer).toBe(true);
    expect(r.status === null || r.status === 408).toBe(true);
    await stillServes();
    // The echo upstream records a request only when its body ended: the stalled upload never completed there.
    expect(upstream.seen.slice(before).filter((s) => s.url === '/upload')).toEqual([]);
  });
});

describe('reference gateway HTTP front keeps resources bounded', () => {
  it('bounds a stalled request head by default (20 s head, 300 s request, checked every second) and refuses a head timeout above the request timeout', () => {
    const minimal = { issuers: [{ issuer: ISS, keys: [key.jwk] }], audiences: [AUD], routes: [{ path: '/*' }], upstream: { url: 'http://127.0.0.1:9' } };
    expect(parseGatewayConfig(minimal).http).toEqual({ headersTimeoutMs: 20_000, requestTimeoutMs: 300_000, checkIntervalMs: 1_000, keepAliveTimeoutMs: 65_000, fastFront: true });
    expect(() => parseGatewayConfig({ ...minimal, http: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } })).toThrow(/http\.headersTimeoutMs/);
  });

  it('holds no sockets and no retained heap after 400 malformed requests (counts and bytes)', async () => {
    await stillServes();
    const heapBefore = settledHeapBytes();
    const shapes = MALFORMED.map(([, request]) => request);
    for (let i = 0; i < 400; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => rawExchange(port, shapes[(i + j) % shapes.length]())));
    }
    await stillServes();
    const connections = await new Promise<number>((resolve, reject) => gw.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    expect(connections).toBe(0);
    // Generous bound (the requests alone were ~1 MB of bytes); a per-request leak of 10 KiB would exceed it.
    expect(settledHeapBytes() - heapBefore).toBeLessThan(4 * 1024 * 1024);
    expect(smuggled()).toEqual([]);
  });
});
