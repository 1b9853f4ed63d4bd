import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillRaw, rawLength, rawMessage, requestIdLine } from '../harness/raw-request.ts';
import { readResponses } from '../harness/read-responses.ts';
import { sendRaw } from '../harness/send-raw.ts';

/** node:http answers in every framing it has: what undici reads from them is what readResponses must read. */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    const [, shape] = (req.url ?? '').split('/');
    if (shape === 'length') res.writeHead(200, { 'content-length': '5', 'x-a': '1' }).end('hello');
    else if (shape === 'chunked') {
      res.writeHead(201, { 'x-b': 'two' });
      res.write('first ');
      setTimeout(() => res.end('second'), 5);
    } else if (shape === 'empty') res.writeHead(204).end();
    else if (shape === 'not-modified') res.writeHead(304, { etag: '"e"' }).end();
    else if (shape === 'close') {
      res.socket!.end('HTTP/1.1 200 OK\r\nX-C: 3\r\n\r\nuntil the end');
    } else res.writeHead(404, { 'content-length': '0' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('readResponses: llhttp frames answers as undici does (differential)', () => {
  it.each([['/length'], ['/chunked'], ['/empty'], ['/not-modified'], ['/close'], ['/missing']])('%s', async (path) => {
    const viaUndici = await request(`http://127.0.0.1:${port}${path}`);
    const expected = { status: viaUndici.statusCode, body: await viaUndici.body.text() };
    const raw = await sendRaw({ host: '127.0.0.1', port, bytes: Buffer.from(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`), methods: ['GET'], timeoutMs: 2000 });
    const [first] = raw.stream.responses;
    expect({ status: first.status, body: first.body }).toEqual(expected);
    expect(first.complete).toBe(true);
    expect(raw.stream.error).toBeUndefined();
    for (let i = 0; i < first.rawHeaders.length; i += 2) expect(viaUndici.headers[first.rawHeaders[i].toLowerCase()]).toBeDefined();
  });

  it('frames pipelined answers in order, with no body after HEAD, and skips interim answers', () => {
    const stream = readResponses(
      Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno'),
      ['HEAD', 'GET'],
      false,
    );
    expect(stream.responses.map((r) => [r.status, r.body, r.complete])).toEqual([
      [200, '', true],
      [401, 'no', true],
    ]);
  });

  it('reports the desync a Content-Length beside a chunked body causes, as a client parser meets it', () => {
    const stream = readResponses(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), ['GET', 'GET'], false);
    expect(stream.responses.map((r) => r.body)).toEqual(['hel']);
    expect(stream.error).toMatch(/^HPE_INVALID_CONSTANT .* at byte 41$/);
    expect(readResponses(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), ['GET'], false).error).toMatch(/^HPE_INVALID_TRANSFER_ENCODING/);
  });

  it('stops at a 101: what follows is not HTTP/1.1', () => {
    const stream = readResponses(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n\u0000\u0000\u0012\u0004'), ['GET'], false);
    expect(stream).toMatchObject({ upgraded: true, responses: [{ status: 101 }] });
    expect(stream.error).toBeUndefined();
  });
});

describe('sendRaw', () => {
  it('stops reading shortly after every request is answered, on a connection the server keeps open', async () => {
    const started = Date.now();
    const raw = await sendRaw({ host: '127.0.0.1', port, bytes: Buffer.from('GET /length HTTP/1.1\r\nHost: t\r\n\r\nGET /chunked HTTP/1.1\r\nHost: t\r\n\r\n'), methods: ['GET', 'GET'], timeoutMs: 5000, graceMs: 50 });
    expect(raw.stream.responses.map((r) => r.status)).toEqual([200, 201]);
    expect(raw.closedByServer).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up at its timeout when the answer never comes', async () => {
    const raw = await sendRaw({ host: '127.0.0.1', port, bytes: Buffer.from('GET /length HTTP/1.1\r\nHost: t\r\n'), methods: ['GET'], timeoutMs: 200 });
    expect(raw.stream.responses).toEqual([]);
    expect(raw.closedByServer).toBe(false);
  });

  it('throws a harness error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(sendRaw({ host: '127.0.0.1', port: dead, bytes: Buffer.from('GET / HTTP/1.1\r\n\r\n'), methods: ['GET'], timeoutMs: 500 })).rejects.toMatchObject({ code: 'ERR_TARGET_UNREACHABLE' });
  });
});

describe('raw request templates', () => {
  it('fills token, host and one id per index; every id is 36 characters, as rawLength counts it', () => {
    const body = rawMessage('GET /b HTTP/1.1', ['Host: localhost', requestIdLine(1)]);
    const template = rawMessage('POST /a HTTP/1.1', ['Host: {host}', 'Authorization: Bearer {token}', requestIdLine(), `Content-Length: ${rawLength(body)}`], body);
    const { text, ids } = fillRaw(template, { token: 't0k', host: 'gw:1' });
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => id.length === 36)).toBe(true);
    expect(text).toContain(`x-gatecheck-request-id: ${ids[0]}\r\n`);
    expect(text.endsWith(`x-gatecheck-request-id: ${ids[1]}\r\n\r\n`)).toBe(true);
    expect(text).toContain('Host: gw:1\r\nAuthorization: Bearer t0k\r\n');
    expect(Buffer.byteLength(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1')).toBe(rawLength(body));
  });

  it('refuses to count a body holding {token} or {host}, and to fill {token} without a token', () => {
    expect(() => rawLength('Authorization: Bearer {token}')).toThrow(/no length/);
    expect(() => fillRaw('GET / HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\r\n', { host: 'h' })).toThrow(/sends no token/);
  });
});
