import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient, type UpstreamClientOptions } from '../reference/http/upstream-client.ts';

/**
 * The upstream client against a raw TCP server that answers with scripted bytes, so every framing of
 * RFC 9112 §6.3 (length, chunked, close-delimited, body-less) and every fault is exactly what the
 * test wrote. Connections are counted to show reuse.
 */
const ANSWERS: Record<string, string | ((socket: Socket) => void)> = {
  '/length': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello',
  '/chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n',
  '/close-delimited': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'),
  '/interim': 'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  // No request here sends Expect: 100-continue; undici refuses an unsolicited 100 ("bad response").
  '/unsolicited-100': 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  '/head': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n',
  '/204': 'HTTP/1.1 204 No Content\r\n\r\n',
  '/two-lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
  '/length-and-chunked': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  '/bad-chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  '/bad-status': 'HTTP/1.1 2000 OK\r\n\r\n',
  '/huge-head': `HTTP/1.1 200 OK\r\nX-A: ${'a'.repeat(70_000)}\r\n\r\n`,
  '/extra-bytes': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA',
  '/hint': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=1\r\n\r\nok',
  '/close': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
  '/silent': () => {},
  '/stall-body': (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel'),
  '/slow': (s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow'), 80),
};

let server: Server;
let port: number;
let connections = 0;
const sockets = new Set<Socket>();
const received: string[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      buffer += d.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) !== -1) {
        const head = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        received.push(head);
        const path = head.split(' ')[1];
        const answer = ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
        if (typeof answer === 'string') socket.write(answer);
        else answer(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<UpstreamClientOptions> = {}): UpstreamClient {
  return new UpstreamClient({
    host: '127.0.0.1',
    port,
    authority: `127.0.0.1:${port}`,
    connections: 4,
    connectTimeoutMs: 1000,
    headersTimeoutMs: 1000,
    bodyTimeoutMs: 1000,
    keepAliveTimeoutMs: 5000,
    ...overrides,
  });
}

interface Outcome {
  status?: number;
  headers: string[];
  body: string;
  error?: string;
}

function send(c: UpstreamClient, path: string, options: { method?: string; headers?: string[]; onData?: (controller: Dispatcher.DispatchController) => void } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { headers: [], body: '' };
    c.dispatch({ method: options.method ?? 'GET', path, headers: options.headers ?? [] }, {
      onRequestStart() {},
      onResponseStart(controller, status) {
        outcome.status = status;
        outcome.headers = [...(controller.rawHeaders as unknown as string[])];
      },
      onResponseData(controller, chunk) {
        outcome.body += chunk.toString('latin1');
        options.onData?.(controller);
      },
      onResponseEnd() {
        resolve(outcome);
      },
      onResponseError(_controller, error) {
        outcome.error = (error as { code?: string }).code;
        resolve(outcome);
      },
    });
  });
}

describe('upstream client: response framing (RFC 9112 §6.3)', () => {
  it('reads a Content-Length body, keeps repeated headers, and reuses the connection', async () => {
    const c = client();
    const before = connections;
    const first = await send(c, '/length', { headers: ['x-forwarded-for', '127.0.0.1'] });
    const second = await send(c, '/length');
    expect(first).toEqual({ status: 200, headers: ['Content-Length', '5', 'X-A', '1', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], body: 'hello' });
    expect(second.body).toBe('hello');
    expect(connections - before).toBe(1);
    expect(received.at(-2)).toBe(`GET /length HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-forwarded-for: 127.0.0.1`);
    await c.destroy();
  });

  it('decodes a chunked body with extensions and trailers, then reuses the connection', async () => {
    const c = client();
    const before = connections;
    expect(await send(c, '/chunked')).toMatchObject({ status: 200, body: 'hello world' });
    expect(await send(c, '/length')).toMatchObject({ body: 'hello' });
    expect(connections - before).toBe(1);
    await c.destroy();
  });

  it('reads a body without length until the upstream closes, and never reuses that connection', async () => {
    const c = client();
    const before = connections;
    expect(await send(c, '/close-delimited')).toMatchObject({ status: 200, body: 'until the end' });
    expect(await send(c, '/length')).toMatchObject({ body: 'hello' });
    expect(connections - before).toBe(2);
    await c.destroy();
  });

  it('skips 102 and 103 interim answers', async () => {
    const c = client();
    expect(await send(c, '/interim')).toMatchObject({ status: 200, body: 'ok' });
    await c.destroy();
  });

  it('refuses an unsolicited 100 Continue, as undici does', async () => {
    const c = client();
    expect((await send(c, '/unsolicited-100')).error).toBe('HPE_INVALID');
    let viaUndici = 'answered';
    try {
      await (await request(`http://127.0.0.1:${port}/unsolicited-100`)).body.text();
    } catch {
      viaUndici = 'refused';
    }
    expect(viaUndici).toBe('refused');
    await c.destroy();
  });

  it('reads no body after HEAD or 204 and stays in step for the next request', async () => {
    const c = client({ connections: 1 });
    expect(await send(c, '/head', { method: 'HEAD' })).toEqual({ status: 200, headers: ['Content-Length', '5'], body: '' });
    expect(await send(c, '/204')).toMatchObject({ status: 204, body: '' });
    expect(await send(c, '/length')).toMatchObject({ body: 'hello' });
    await c.destroy();
  });

  it('does not reuse a connection after Connection: close, a Keep-Alive hint of 1 s, or bytes nobody asked for', async () => {
    for (const path of ['/close', '/hint', '/extra-bytes']) {
      const c = client();
      const before = connections;
      expect((await send(c, path)).body).toBe('ok');
      expect(await send(c, '/length')).toMatchObject({ body: 'hello' });
      expect(connections - before, path).toBe(2);
      await c.destroy();
    }
  });
});

describe('upstream client: faults', () => {
  it.each([
    ['/two-lengths', 'two different Content-Length values'],
    // A forwarded Content-Length that disagrees with the chunked body desynchronises the client's connection.
    ['/length-and-chunked', 'Content-Length and Transfer-Encoding together (RFC 9112 §6.3)'],
    ['/bad-chunk', 'a chunk size that is not hex'],
    ['/bad-status', 'a malformed status line'],
    ['/huge-head', 'a head over 64 KiB'],
  ])('fails %s (%s) instead of guessing', async (path) => {
    const c = client();
    const outcome = await send(c, path);
    expect(outcome.error).toMatch(/^(HPE_INVALID|UND_ERR_HEADERS_OVERFLOW)$/);
    await c.destroy();
  });

  it('refuses every faulty answer undici refuses (differential)', async () => {
    const c = client();
    for (const path of ['/two-lengths', '/length-and-chunked', '/bad-chunk', '/bad-status']) {
      let viaUndici = 'answered';
      try {
        await (await request(`http://127.0.0.1:${port}${path}`)).body.text();
      } catch {
        viaUndici = 'refused';
      }
      expect(viaUndici, path).toBe('refused');
      expect((await send(c, path)).error, path).toBeDefined();
    }
    await c.destroy();
  });

  it('reports undici-compatible timeout codes: no head in time, a stalled body', async () => {
    const c = client({ headersTimeoutMs: 100, bodyTimeoutMs: 100 });
    expect((await send(c, '/silent')).error).toBe('UND_ERR_HEADERS_TIMEOUT');
    const stalled = await send(c, '/stall-body');
    expect(stalled).toMatchObject({ status: 200, body: 'hel', error: 'UND_ERR_BODY_TIMEOUT' });
    await c.destroy();
  });

  it('reports a refused connection with its errno code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const c = client({ port: deadPort });
    expect((await send(c, '/length')).error).toBe('ECONNREFUSED');
    await c.destroy();
  });

  it('refuses to send a header value or a request target that would split the request', () => {
    const c = client();
    expect(() => c.dispatch({ method: 'GET', path: '/length', headers: ['x-a', 'a\r\nx-injected: 1'] }, {})).toThrow(/invalid header/);
    expect(() => c.dispatch({ method: 'GET', path: '/a HTTP/1.1\r\nx-injected: 1\r\n\r\nGET /b', headers: [] }, {})).toThrow(/invalid request path/);
  });
});

describe('upstream client: pool and flow control', () => {
  it('queues requests beyond its connection limit and serves them in turn on the same socket', async () => {
    const c = client({ connections: 1 });
    const before = connections;
    const outcomes = await Promise.all([send(c, '/slow'), send(c, '/length'), send(c, '/chunked')]);
    expect(outcomes.map((o) => o.body)).toEqual(['slow', 'hello', 'hello world']);
    expect(connections - before).toBe(1);
    await c.destroy();
  });

  it('delivers nothing while paused, and the rest after resume', async () => {
    const c = client();
    let paused: Dispatcher.DispatchController | undefined;
    let deliveries = 0;
    const outcome = send(c, '/chunked', {
      onData(controller) {
        deliveries++;
        if (!paused) {
          paused = controller;
          controller.pause();
        }
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    // Both chunks arrived in one read; only the first was handed over.
    expect(deliveries).toBe(1);
    expect(paused?.paused).toBe(true);
    paused!.resume();
    expect((await outcome).body).toBe('hello world');
    expect(deliveries).toBe(2);
    await c.destroy();
  });
});
