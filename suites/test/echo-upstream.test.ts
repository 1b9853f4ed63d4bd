import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ANSWERS, ECHO_ANSWER_HEADER, startEchoUpstream, type EchoUpstream } from '../harness/echo-upstream.ts';
import { sendRaw } from '../harness/send-raw.ts';

describe('echo upstream', () => {
  let upstream: EchoUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  test('answers 200 JSON with the method, path and headers it received, and records them', async () => {
    upstream = await startEchoUpstream();
    const response = await fetch(`${upstream.url}/api/orders?id=7`, {
      method: 'POST',
      headers: { 'x-user-id': 'abc', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const echoed = await response.json();
    expect(echoed).toMatchObject({ method: 'POST', path: '/api/orders?id=7', headers: { 'x-user-id': 'abc' } });
    expect(upstream.received()).toEqual([expect.objectContaining({ method: 'POST', path: '/api/orders?id=7' })]);
    upstream.clear();
    expect(upstream.received()).toEqual([]);
  });

  test('keeps only the newest requests, oldest first, when the ring is full', async () => {
    upstream = await startEchoUpstream({ capacity: 3 });
    for (let i = 1; i <= 5; i++) await (await fetch(`${upstream.url}/r${i}`)).arrayBuffer();
    expect(upstream.received().map((r) => r.path)).toEqual(['/r3', '/r4', '/r5']);
  });

  test('records nothing with record: false (benchmark mode) but still echoes', async () => {
    upstream = await startEchoUpstream({ record: false });
    const response = await fetch(`${upstream.url}/bench`);
    expect(await response.json()).toMatchObject({ path: '/bench' });
    expect(upstream.received()).toEqual([]);
  });

  test('close() ends kept-alive connections so the port is released at once', async () => {
    upstream = await startEchoUpstream();
    await (await fetch(upstream.url)).arrayBuffer();
    const { url } = upstream;
    await upstream.close();
    upstream = undefined;
    await expect(fetch(url)).rejects.toThrow();
  });

  test('records every header line, a second Authorization too (node:http keeps only the first in headers)', async () => {
    upstream = await startEchoUpstream();
    const socket = connect(upstream.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer first\r\nAuthorization: Bearer second\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve).resume());
    const [seen] = upstream.received();
    expect(seen.headers.authorization).toBe('Bearer first');
    expect(seen.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1].toLowerCase() === 'authorization')).toEqual(['Bearer first', 'Bearer second']);
  });

  const rawTo = (port: number, text: string, methods = ['GET']) => sendRaw({ host: '127.0.0.1', port, bytes: Buffer.from(text, 'latin1'), methods, timeoutMs: 2000, graceMs: 50 });

  test('keeps the bytes of each connection, and what llhttp refused there (a smuggled request that never parsed)', async () => {
    upstream = await startEchoUpstream();
    await rawTo(upstream.port, 'GET /one HTTP/1.1\r\nHost: a\r\nx-gatecheck-request-id: first\r\n\r\n');
    await rawTo(upstream.port, 'POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nX-Id: second\r\n\r\n');
    const [one, two] = upstream.connections();
    expect(one.raw).toContain('x-gatecheck-request-id: first');
    expect(one.parseError).toBeUndefined();
    expect(upstream.received().map((r) => [r.path, r.connection])).toEqual([['/one', one.id]]);
    expect(two.raw).toContain('X-Id: second');
    expect(two.parseError).toMatch(/^HPE_INVALID_TRANSFER_ENCODING /);
  });

  test('answers an upgrade like any request, never 101, and goes on reading HTTP/1.1 on that connection', async () => {
    upstream = await startEchoUpstream();
    const r = await rawTo(upstream.port, 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n', ['GET', 'GET']);
    expect(r.stream.responses.map((x) => x.status)).toEqual([200, 200]);
    const seen = upstream.received();
    expect(seen.map((x) => x.path)).toEqual(['/ws', '/after']);
    expect(seen[0].headers.upgrade).toBe('websocket');
    expect(seen[1].connection).toBe(seen[0].connection);
  });

  test('answers a request naming a deliberate answer with exactly those bytes', async () => {
    upstream = await startEchoUpstream();
    const r = await rawTo(upstream.port, `GET /bad HTTP/1.1\r\nHost: a\r\n${ECHO_ANSWER_HEADER}: content-length-and-chunked\r\n\r\n`);
    expect(r.received).toBe(ANSWERS['content-length-and-chunked']);
    expect(upstream.received().map((x) => x.path)).toEqual(['/bad']);
  });
});

