import { createServer } from 'node:http';
import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../reference/config.ts';
import { createFastFront } from '../reference/http/fast-front.ts';
import type { GatewayResponse } from '../reference/http/gateway-exchange.ts';
import { parseSimpleRequestHead } from '../reference/http/simple-request-head.ts';
import { listen } from '../reference/listen.ts';
import { createReferenceServer, type ReferenceServer } from '../reference/server.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';
import { nowSeconds, rsaKey, signJws } from './reference-support/key-fixture.ts';
import { rawExchange, statuses } from './reference-support/raw-http.ts';

/**
 * The fast front answers plain body-less HTTP/1.1 requests without node:http's streams and hands
 * every other connection to node:http. What it must show: a client and the upstream cannot tell the
 * two fronts apart, pipelined requests stay in order across a hand-over, and responses are framed
 * right for every shape of upstream answer (RFC 9112 §6).
 */
const ISS = 'https://issuer.gatecheck.test';
const AUD = 'api://orders';
const key = rsaKey('k1');
let upstream: EchoUpstream;
let fast: { gw: ReferenceServer; port: number };
let plain: { gw: ReferenceServer; port: number };
let token: string;

async function start(fastFront: boolean) {
  const gw = createReferenceServer(
    parseGatewayConfig({
      listen: { port: 0 },
      admin: false,
      issuers: [{ issuer: ISS, keys: [key.jwk] }],
      audiences: [AUD],
      routes: [{ path: '/open*', auth: 'anonymous' }, { path: '/*' }],
      upstream: { url: upstream.url },
      log: { level: 'silent', accessLog: false },
      http: { fastFront, keepAliveTimeoutMs: 400 },
    }),
  );
  await gw.runtime.start();
  return { gw, port: await listen(gw.server, '127.0.0.1', 0) };
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  fast = await start(true);
  plain = await start(false);
  token = signJws({ alg: 'RS256', typ: 'JWT', kid: 'k1' }, { iss: ISS, aud: AUD, sub: 'alice', roles: ['r'], exp: nowSeconds() + 3600 }, key);
});
afterAll(async () => {
  await fast?.gw.close();
  await plain?.gw.close();
  await upstream?.close();
});

const auth = () => `Authorization: Bearer ${token}\r\n`;
/** Headers of one raw response, lower-cased names, without the ones each front sets its own way. */
function responseHeaders(text: string): [string, string][] {
  const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').slice(1);
  return head
    .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as [string, string])
    .filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
}

describe('parseSimpleRequestHead: what the fast front answers itself', () => {
  it('takes a plain body-less HTTP/1.1 request, keeping duplicate headers and their order', () => {
    const head = parseSimpleRequestHead('GET /a/b?c=1&d=%20 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer a\r\nauthorization:Bearer b \r\nX-Empty:\r\nConnection: keep-alive, Close');
    expect(head).toEqual({
      method: 'GET',
      url: '/a/b?c=1&d=%20',
      rawHeaders: ['Host', 'gw', 'Authorization', 'Bearer a', 'authorization', 'Bearer b', 'X-Empty', '', 'Connection', 'keep-alive, Close'],
      close: true,
    });
  });

  it.each([
    ['a body by Content-Length', 'POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: 0'],
    ['a body by Transfer-Encoding', 'POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked'],
    ['Expect: 100-continue', 'GET /a HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue'],
    ['an upgrade', 'GET /a HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket'],
    ['HTTP/1.0', 'GET /a HTTP/1.0\r\nHost: gw'],
    ['no Host', 'GET /a HTTP/1.1\r\nX-A: b'],
    ['two Hosts', 'GET /a HTTP/1.1\r\nHost: a\r\nHost: b'],
    ['an absolute-form target', 'GET http://gw/a HTTP/1.1\r\nHost: gw'],
    ['a fragment in the target', 'GET /a#b HTTP/1.1\r\nHost: gw'],
    ['a method llhttp may not know', 'PURGE /a HTTP/1.1\r\nHost: gw'],
    ['a lower-case method', 'get /a HTTP/1.1\r\nHost: gw'],
    ['two spaces in the request line', 'GET  /a HTTP/1.1\r\nHost: gw'],
    ['a space before the colon', 'GET /a HTTP/1.1\r\nHost: gw\r\nX-A : b'],
    ['obs-fold', 'GET /a HTTP/1.1\r\nHost: gw\r\nX-A: b\r\n c'],
    ['a bare LF', 'GET /a HTTP/1.1\nHost: gw'],
    ['a CR inside a value', 'GET /a HTTP/1.1\r\nHost: gw\r\nX-A: a\rb'],
    ['a NUL inside a value', 'GET /a HTTP/1.1\r\nHost: gw\r\nX-A: a\u0000b'],
    ['a separator in a header name', 'GET /a HTTP/1.1\r\nHost: gw\r\nX(A): b'],
    ['more than 100 header lines', `GET /a HTTP/1.1\r\nHost: gw${'\r\na: b'.repeat(100)}`],
  ])('leaves %s to node:http', (_name, head) => {
    expect(parseSimpleRequestHead(head)).toBeUndefined();
  });
});

describe('fast front responses: header fields are checked wherever they are written', () => {
  async function front(handler: (res: GatewayResponse) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const fallback = createServer();
    const server = createFastFront({ handler: (_req, res) => handler(res), fallback, maxHeaderBytes: 16_384, keepAliveTimeoutMs: 1000, headersTimeoutMs: 1000 });
    const port = await listen(server, '127.0.0.1', 0);
    return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('refuses a CR or LF in a header value, or a separator in a name, as node:http does (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN)', async () => {
    const codes: string[] = [];
    const f = await front((res) => {
      const shapes: (Record<string, string> | string[])[] = [{ 'x-a': 'a\r\nX-Injected: yes' }, { 'x-a': 'a\nb' }, { 'x-a': 'nul\u0000' }, { 'x a': 'b' }, ['x-a', 'a\rb']];
      for (const headers of shapes) {
        try {
          res.writeHead(200, headers);
        } catch (err) {
          codes.push((err as { code: string }).code);
        }
      }
      res.writeHead(200, { 'content-length': '2' });
      res.end('ok');
    });
    try {
      const r = await rawExchange(f.port, 'GET / HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
      expect(codes).toEqual(['ERR_INVALID_CHAR', 'ERR_INVALID_CHAR', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_INVALID_CHAR']);
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(/x-injected/i);
    } finally {
      await f.close();
    }
  });

  it("sends what setHeader set, under writeHead's headers of the same name, and refuses unsafe values there too", async () => {
    let refused = '';
    const f = await front((res) => {
      res.setHeader('x-set', 'one');
      res.setHeader('x-both', 'from setHeader');
      try {
        res.setHeader('x-bad', 'a\r\nX-Injected: yes');
      } catch (err) {
        refused = (err as { code: string }).code;
      }
      res.writeHead(200, { 'x-both': 'from writeHead', 'content-length': '2' });
      res.end('ok');
    });
    try {
      const r = await rawExchange(f.port, 'GET / HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
      expect(r.text).toMatch(/\r\nx-set: one\r\n/);
      expect(r.text).toMatch(/\r\nx-both: from writeHead\r\n/);
      expect(r.text).not.toMatch(/from setHeader|x-injected/i);
      expect(refused).toBe('ERR_INVALID_CHAR');
    } finally {
      await f.close();
    }
  });
});

describe('reference gateway fast front', () => {
  it('sends the upstream the same request and the client the same response as node:http does', async () => {
    const request = (port: number, path: string) =>
      `GET ${path}?q=1 HTTP/1.1\r\nHost: gw.test\r\n${auth()}X-User-Id: forged\r\nx_user_id: forged\r\nX-Http-Method-Override: POST\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nAccept: a\r\nAccept: b\r\n\r\n`;
    const viaFast = await rawExchange(fast.port, request(fast.port, '/same-fast'));
    const upFast = upstream.seen.at(-1)!;
    const viaPlain = await rawExchange(plain.port, request(plain.port, '/same-plain'));
    const upPlain = upstream.seen.at(-1)!;
    expect(upFast.url).toBe('/same-fast?q=1');
    expect(upPlain.url).toBe('/same-plain?q=1');
    expect(upFast.rawHeaders).toEqual(upPlain.rawHeaders);
    expect(upFast.headers['x-user-id']).toBe('alice');
    expect(upFast.headers['x-hop']).toBeUndefined();
    expect(viaFast.status).toBe(200);
    expect(responseHeaders(viaFast.text)).toEqual(responseHeaders(viaPlain.text));
    expect(viaFast.text.slice(viaFast.text.indexOf('\r\n\r\n'))).toBe(viaPlain.text.slice(viaPlain.text.indexOf('\r\n\r\n')));
    expect(viaFast.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(viaFast.closedByServer).toBe(true);
  });

  it('answers rejections like node:http does: status, challenge and body', async () => {
    const ask = (port: number) => rawExchange(port, `GET /x HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer not.a.jwt\r\nConnection: close\r\n\r\n`);
    const [viaFast, viaPlain] = [await ask(fast.port), await ask(plain.port)];
    expect(viaFast.status).toBe(401);
    expect(responseHeaders(viaFast.text)).toEqual(responseHeaders(viaPlain.text));
    expect(viaFast.text.endsWith('{"error":"invalid_token"}')).toBe(true);
  });

  it('answers pipelined requests in order, handing the connection to node:http at the first one with a body', async () => {
    const before = upstream.seen.length;
    upstream.handler = (req, res, seen) => {
      const body = `${req.method} ${req.url} [${seen.body}]`;
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    };
    const r = await rawExchange(
      fast.port,
      `GET /open/p1 HTTP/1.1\r\nHost: gw\r\n\r\n` +
        `POST /p2 HTTP/1.1\r\nHost: gw\r\n${auth()}Content-Length: 5\r\n\r\nhello` +
        `GET /p3 HTTP/1.1\r\nHost: gw\r\n${auth()}\r\n` +
        `GET /p4 HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`,
    );
    upstream.handler = null;
    expect(statuses(r.text)).toEqual([200, 200, 200, 401]);
    // node:http may send p2 and p3 upstream concurrently; the answers still come back in request order.
    expect([...r.text.matchAll(/\r\n\r\n(GET|POST) (\S+) \[(\w*)\]/g)].map((m) => m.slice(1))).toEqual([
      ['GET', '/open/p1', ''],
      ['POST', '/p2', 'hello'],
      ['GET', '/p3', ''],
    ]);
    expect(upstream.seen.length - before).toBe(3);
  });

  it('answers 1,500 pipelined requests in order, reading no faster than it answers', async () => {
    const requests = Array.from({ length: 1500 }, (_, i) => `GET /open/pipe-${i} HTTP/1.1\r\nHost: gw\r\nX-Filler: ${'f'.repeat(40)}\r\n\r\n`);
    requests[1499] = requests[1499].replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n');
    upstream.handler = (req, res) => {
      const body = `[${req.url}]`;
      setTimeout(() => res.writeHead(200, { 'content-length': String(body.length) }).end(body), req.url === '/open/pipe-0' ? 100 : 1);
    };
    try {
      // The other 1,499 (about 120 KiB, more than one read) arrive while the first is in flight: the
      // fast front pauses its socket with bytes still unread, and must resume it to answer them.
      const r = await rawExchange(fast.port, null, {
        maxMs: 10_000,
        onSocket(socket) {
          socket.write(requests[0]);
          setTimeout(() => socket.write(requests.slice(1).join('')), 30);
        },
      });
      const answered = [...r.text.matchAll(/\[\/open\/pipe-(\d+)\]/g)].map((m) => Number(m[1]));
      expect(answered).toEqual(Array.from({ length: 1500 }, (_, i) => i));
      expect(r.closedByServer).toBe(true);
    } finally {
      upstream.handler = null;
    }
  });

  it('serves a request head that arrives in pieces itself, without handing the connection over', async () => {
    const r = await rawExchange(fast.port, null, {
      onSocket(socket) {
        const text = `GET /open/split HTTP/1.1\r\nHost: gw\r\n\r\n`;
        socket.write(text.slice(0, 20));
        setTimeout(() => socket.write(text.slice(20)), 50);
      },
    });
    expect(r.status).toBe(200);
    expect(upstream.seen.at(-1)?.url).toBe('/open/split');
    // node:http would have added its Keep-Alive header; the fast front sends none.
    expect(r.text).not.toMatch(/\r\nKeep-Alive:/i);
  });

  it('frames every shape of upstream answer so that a strict client reads it: streamed, empty, 204, 304 and HEAD', async () => {
    upstream.handler = (req, res) => {
      if (req.url === '/open/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first ');
        setTimeout(() => res.end('second'), 20);
      } else if (req.url === '/open/empty') res.writeHead(200, { 'content-length': '0' }).end();
      else if (req.url === '/open/204') res.writeHead(204).end();
      else if (req.url === '/open/304') res.writeHead(304, { etag: '"a"' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    };
    try {
      const get = async (path: string, method: 'GET' | 'HEAD' = 'GET') => {
        const res = await request(`http://127.0.0.1:${fast.port}${path}`, { method });
        return { status: res.statusCode, te: res.headers['transfer-encoding'], length: res.headers['content-length'], body: await res.body.text() };
      };
      expect(await get('/open/stream')).toEqual({ status: 200, te: 'chunked', length: undefined, body: 'first second' });
      expect(await get('/open/empty')).toEqual({ status: 200, te: undefined, length: '0', body: '' });
      expect(await get('/open/204')).toMatchObject({ status: 204, te: undefined, body: '' });
      expect(await get('/open/304')).toMatchObject({ status: 304, te: undefined, body: '' });
      expect(await get('/open/head', 'HEAD')).toEqual({ status: 200, te: undefined, length: '5', body: '' });
      // Nothing of a body-less answer may linger in the stream: the next pipelined response must parse.
      const raw = await rawExchange(fast.port, 'HEAD /open/h HTTP/1.1\r\nHost: gw\r\n\r\nHEAD /open/stream HTTP/1.1\r\nHost: gw\r\n\r\nGET /open/204 HTTP/1.1\r\nHost: gw\r\n\r\nGET /open/g HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
      // Each head is followed at once by the next status line: no body, no chunk, no stray byte.
      const bodies = raw.text.split(/(?=HTTP\/1\.1 \d{3} )/).map((part) => part.slice(part.indexOf('\r\n\r\n') + 4));
      expect(bodies).toEqual(['', '', '', 'hello']);
      expect(statuses(raw.text)).toEqual([200, 200, 204, 200]);
    } finally {
      upstream.handler = null;
    }
  });

  it('never passes on an upstream answer carrying both Content-Length and a chunked body: 502, and the next pipelined answer is intact (RFC 9112 §6.3)', async () => {
    upstream.handler = (req, res) => {
      // Content-Length 3 beside a 5-byte chunked body: forwarded as it came, a kept-alive client would
      // read "hel" as the body and "lo" as the start of the next response.
      if (req.url === '/open/cl-and-chunked') res.socket!.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
      else res.writeHead(200, { 'content-length': '5' }).end('after');
    };
    try {
      for (const { port } of [fast, plain]) {
        const r = await rawExchange(port, 'GET /open/cl-and-chunked HTTP/1.1\r\nHost: gw\r\n\r\nGET /open/next HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
        expect(statuses(r.text)).toEqual([502, 200]);
        expect(r.text).not.toContain('hello');
        expect(r.text.endsWith('\r\n\r\nafter')).toBe(true);
      }
    } finally {
      upstream.handler = null;
    }
  });

  it('answers a client that half-closes after its requests (sends FIN), then closes', async () => {
    const r = await rawExchange(fast.port, null, {
      onSocket(socket) {
        socket.end(`GET /open/fin1 HTTP/1.1\r\nHost: gw\r\n\r\nGET /open/fin2 HTTP/1.1\r\nHost: gw\r\n\r\n`);
      },
    });
    expect(statuses(r.text)).toEqual([200, 200]);
    expect(r.closedByServer).toBe(true);
  });

  it('closes a connection left idle past keepAliveTimeoutMs', async () => {
    const socket = connect(fast.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.write('GET /open/idle HTTP/1.1\r\nHost: gw\r\n\r\n');
    const sent = Date.now();
    const closedAt = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 3000))]);
    socket.destroy();
    expect(statuses(text)).toEqual([200]);
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - sent).toBeGreaterThanOrEqual(300);
  });

  it('drops its connections on close', async () => {
    const extra = await start(true);
    const socket = connect(extra.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.write('GET /open/a HTTP/1.1\r\nHost: gw\r\n\r\n');
    await new Promise((r) => socket.once('data', r));
    await extra.gw.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
