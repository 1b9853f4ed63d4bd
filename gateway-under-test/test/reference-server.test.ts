import { createServer, get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceGateway, type GatewayConfigInput, type ReferenceGateway } from '../index.ts';
import { nowSeconds, rsaKey, signJws } from './reference-support/key-fixture.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';
import { startJwksServer, type JwksServer } from './reference-support/jwks-server.ts';

const AUD = 'api://orders';
const k1 = rsaKey('k1');
const SUB_KEY = 'product-key-0123456789abcdef';

let idp: JwksServer;
let upstream: EchoUpstream;
const gateways: ReferenceGateway[] = [];

beforeAll(async () => {
  idp = await startJwksServer([k1.jwk]);
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await upstream.close();
  await idp.close();
});

async function gateway(overrides: Partial<GatewayConfigInput> = {}): Promise<ReferenceGateway> {
  const g = await startReferenceGateway({
    listen: { port: 0 },
    admin: { port: 0 },
    issuers: [{ issuer: idp.issuer, jwksUri: idp.jwksUri }],
    audiences: [AUD],
    routes: [
      { path: '/health', methods: ['GET'], auth: 'anonymous' },
      { path: '/api/orders*', methods: ['GET'], require: { values: ['Orders.Read'] } },
      { path: '/api/orders*', methods: ['POST'], require: { values: ['Orders.Write'] } },
      { path: '/limited*', rateLimit: 'perCaller' },
      { path: '/product*', product: 'gold' },
      { path: '/pass-token*', forwardAuthorization: true },
    ],
    rateLimits: { perCaller: { key: ['tid', 'sub'], limit: 3, windowSeconds: 60 } },
    subscriptions: { products: [{ name: 'gold', keys: [SUB_KEY] }] },
    upstream: { url: upstream.url },
    log: { level: 'silent', accessLog: false },
    ...overrides,
  });
  gateways.push(g);
  return g;
}

function token(extra: Record<string, unknown> = {}): string {
  const now = nowSeconds();
  return signJws({ alg: 'RS256', typ: 'JWT', kid: 'k1' }, { iss: idp.issuer, aud: AUD, sub: 'alice', oid: 'oid-alice', tid: 't1', azp: 'client-1', roles: ['Orders.Read'], scp: 'a b', iat: now, exp: now + 600, ...extra }, k1);
}

async function send(g: ReferenceGateway, path: string, headers: Record<string, string | string[]> = {}, method = 'GET', body?: string) {
  const before = upstream.seen.length;
  const res = await request(`${g.url}${path}`, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, reached: upstream.seen.slice(before) };
}

let g: ReferenceGateway;
beforeAll(async () => {
  g = await gateway();
});

describe('rejections (RFC 6750 §3)', () => {
  it('answers missing credentials with 401 and a bare Bearer realm challenge without error (RFC 6750 §3)', async () => {
    const r = await send(g, '/api/orders');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gatecheck"');
    expect(r.reached).toHaveLength(0);
  });
  it('answers a bad token with 401 invalid_token and never reaches the upstream (RFC 6750 §3.1)', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token({ exp: nowSeconds() - 10 })}` });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gatecheck", error="invalid_token"');
    expect(r.reached).toHaveLength(0);
  });
  it('answers two Authorization headers with 400 invalid_request (RFC 6750 §3.1, catalogue A05)', async () => {
    const r = await send(g, '/api/orders', { authorization: [`Bearer ${token()}`, `Bearer ${token({ sub: 'mallory' })}`] });
    expect(r.status).toBe(400);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gatecheck", error="invalid_request"');
    expect(r.reached).toHaveLength(0);
  });
  it('answers a missing role with 403 insufficient_scope and a scope attribute (RFC 6750 §3.1)', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token()}` }, 'POST', '{}');
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gatecheck", error="insufficient_scope", scope="Orders.Write"');
    expect(r.reached).toHaveLength(0);
  });
  it('names no configured requirement value with CR or LF in the challenge, on either front: no header is injected (RFC 6750 §3 scope-token)', async () => {
    for (const fastFront of [true, false]) {
      const odd = await gateway({
        http: { fastFront },
        routes: [{ path: '/api/orders*', methods: ['GET'], require: { values: ['Orders.Admin\r\nX-Injected: yes', 'Orders.Audit'] } }],
      });
      const r = await send(odd, '/api/orders', { authorization: `Bearer ${token()}` });
      expect(r.status).toBe(403);
      expect(r.headers['x-injected']).toBeUndefined();
      expect(r.headers['www-authenticate']).toBe('Bearer realm="gatecheck", error="insufficient_scope", scope="Orders.Audit"');
    }
  });
  it('does not reveal the rejection reason unless exposeReason is on', async () => {
    const r = await send(g, '/api/orders', { authorization: 'Bearer x.y.z' });
    expect(r.headers['x-gatecheck-reason']).toBeUndefined();
    const exposed = await gateway({ exposeReason: true });
    const r2 = await send(exposed, '/api/orders', { authorization: 'Bearer x.y.z' });
    expect(r2.headers['x-gatecheck-reason']).toBe('malformed_token');
  });
  it('answers 503 when no key was ever available, without reaching the upstream (catalogue H01)', async () => {
    const down = await startJwksServer([k1.jwk]);
    down.mode = 'down';
    try {
      const dg = await gateway({ issuers: [{ issuer: idp.issuer, jwksUri: down.jwksUri }] });
      const r = await send(dg, '/api/orders', { authorization: `Bearer ${token()}` });
      expect(r.status).toBe(503);
      expect(r.reached).toHaveLength(0);
    } finally {
      await down.close();
    }
  });
  it('answers 404 for a path no route covers, without reaching the upstream', async () => {
    const r = await send(g, '/admin', { authorization: `Bearer ${token()}` });
    expect(r.status).toBe(404);
    expect(r.reached).toHaveLength(0);
  });
});

describe('claims contract to the upstream', () => {
  it('forwards a valid request with X-User-Id, X-Tenant-Id, X-Client-Id, X-Roles, X-Scopes and no Authorization', async () => {
    const r = await send(g, '/api/orders/7?x=1', { authorization: `Bearer ${token()}` });
    expect(r.status).toBe(200);
    expect(r.headers['x-upstream']).toBe('yes');
    const seen = r.reached[0];
    expect(seen.url).toBe('/api/orders/7?x=1');
    expect(seen.headers['x-user-id']).toBe('oid-alice');
    expect(seen.headers['x-tenant-id']).toBe('t1');
    expect(seen.headers['x-client-id']).toBe('client-1');
    expect(seen.headers['x-roles']).toBe('Orders.Read');
    expect(seen.headers['x-scopes']).toBe('a,b');
    expect(seen.headers.authorization).toBeUndefined();
  });
  it('removes client-supplied claim headers in every letter case and with underscores (catalogue F01, F05)', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token()}`, 'x-user-id': 'admin', 'X-USER-ID': 'admin2', 'X_Roles': 'Admin', 'x-tenant_id': 'evil' });
    const raw = r.reached[0].rawHeaders;
    const values = (name: string) => raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase().replaceAll('_', '-') === name);
    expect(values('x-user-id')).toEqual(['oid-alice']);
    expect(values('x-roles')).toEqual(['Orders.Read']);
    expect(values('x-tenant-id')).toEqual(['t1']);
  });
  it('removes a spoofed header when the token lacks that claim (catalogue F02)', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token({ azp: undefined })}`, 'x-client-id': 'spoofed' });
    expect(r.reached[0].headers['x-client-id']).toBeUndefined();
  });
  it('removes spoofed claim headers on anonymous routes too (catalogue F03, envoy PR #46586)', async () => {
    const r = await send(g, '/health', { 'x-user-id': 'admin', 'x-roles': 'Admin', authorization: 'Bearer whatever' });
    expect(r.status).toBe(200);
    expect(r.reached[0].headers['x-user-id']).toBeUndefined();
    expect(r.reached[0].headers['x-roles']).toBeUndefined();
    expect(r.reached[0].headers.authorization).toBeUndefined();
  });
  it('forwards Authorization only on routes that ask for it (catalogue F08)', async () => {
    const t = token();
    const r = await send(g, '/pass-token', { authorization: `Bearer ${t}` });
    expect(r.reached[0].headers.authorization).toBe(`Bearer ${t}`);
  });
  it('never puts CR or LF into a header value, whatever the claim holds', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token({ oid: 'a\r\nX-Injected: 1', roles: ['Orders.Read', 'ü'] })}` });
    expect(r.status).toBe(200);
    expect(r.reached[0].headers['x-user-id']).toBe('aX-Injected: 1');
    expect(r.reached[0].headers['x-injected']).toBeUndefined();
    expect(r.reached[0].headers['x-roles']).toBe('Orders.Read,%C3%BC');
  });
  it('normalises dot segments before routing so an anonymous prefix cannot reach a protected path', async () => {
    const r = await send(g, '/health/../api/orders');
    expect(r.status).toBe(401);
    expect(r.reached).toHaveLength(0);
    const enc = await send(g, '/health/%2e%2e/api/orders');
    expect(enc.status).toBe(401);
    expect(enc.reached).toHaveLength(0);
  });
});

describe('rate limits', () => {
  it('limits per verified caller with 429, Retry-After and remaining calls, leaving other callers alone (catalogue G01, G03)', async () => {
    const rg = await gateway();
    const alice = token({ sub: 'alice-rl' });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await send(rg, '/limited', { authorization: `Bearer ${alice}` });
      expect(r.status).toBe(200);
      remaining.push(String(r.headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await send(rg, '/limited', { authorization: `Bearer ${alice}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.reached).toHaveLength(0);
    const bob = await send(rg, '/limited', { authorization: `Bearer ${token({ sub: 'bob-rl' })}` });
    expect(bob.status).toBe(200);
  });
  it('never keys a limit on unverified input: forged tokens for alice do not use up her calls (catalogue section G, rate limiting)', async () => {
    const rg = await gateway();
    const forged = signJws({ alg: 'RS256', kid: 'k1' }, { iss: idp.issuer, aud: AUD, sub: 'alice-f', tid: 't1', exp: nowSeconds() + 600 }, rsaKey('k1'));
    for (let i = 0; i < 5; i++) expect((await send(rg, '/limited', { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await send(rg, '/limited', { authorization: `Bearer ${token({ sub: 'alice-f' })}` })).status).toBe(200);
  });
  it('stops an unauthenticated flood per client address before any token work (catalogue G06)', async () => {
    const rg = await gateway({ unauthenticatedLimit: { limit: 5, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(rg, '/api/orders', { authorization: 'Bearer a.b.c' })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });
});

describe('subscription keys', () => {
  it('requires the product key in the Ocp-Apim-Subscription-Key header or the query, with a valid bearer token too', async () => {
    const auth = { authorization: `Bearer ${token()}` };
    expect((await send(g, '/product', auth)).status).toBe(401);
    expect((await send(g, '/product', { ...auth, 'ocp-apim-subscription-key': 'wrong-key-0123456789' })).status).toBe(401);
    const ok = await send(g, '/product', { ...auth, 'Ocp-Apim-Subscription-Key': SUB_KEY });
    expect(ok.status).toBe(200);
    expect(ok.reached[0].headers['ocp-apim-subscription-key']).toBeUndefined();
    const viaQuery = await send(g, `/product?subscription-key=${SUB_KEY}&q=1`, auth);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.reached[0].url).toBe('/product?q=1');
    expect((await send(g, '/product', { 'Ocp-Apim-Subscription-Key': SUB_KEY })).status).toBe(401);
  });
});

describe('upstream', () => {
  it('answers 502 when the upstream is unreachable and 504 when it is too slow', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const bad = await gateway({ upstream: { url: `http://127.0.0.1:${port}` } });
    expect((await send(bad, '/health')).status).toBe(502);
    const slow = await gateway({ upstream: { url: upstream.url, headersTimeoutMs: 200 } });
    upstream.handler = (_req, res) => setTimeout(() => res.end('late'), 1000);
    try {
      expect((await send(slow, '/health')).status).toBe(504);
    } finally {
      upstream.handler = null;
    }
  });
  it('streams a large answer to a slow client intact, keeping repeated Set-Cookie and dropping hop-by-hop headers', async () => {
    // Larger than loopback socket buffers, so the gateway must pause the upstream while the client lags.
    const size = 24 * 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = i % 251;
    upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'set-cookie': ['a=1', 'b=2'], 'proxy-connection': 'keep-alive', 'x-upstream': 'yes' });
      res.end(body);
    };
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        httpGet(`${g.url}/health`, resolve).on('error', reject);
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.headers['x-upstream']).toBe('yes');
      expect(res.headers['proxy-connection']).toBeUndefined();
      res.pause();
      await new Promise((r) => setTimeout(r, 300));
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
    } finally {
      upstream.handler = null;
    }
  });
  it('stops reading the upstream when the client leaves in the middle of an answer', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<boolean>((resolve) => {
      upstreamClosed = () => resolve(true);
      setTimeout(() => resolve(false), 5000).unref();
    });
    let finished = false;
    upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // An endless answer: only the gateway giving up on it can end this exchange early.
      const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024, 1)), 10);
      res.on('close', () => {
        clearInterval(timer);
        finished = res.writableFinished;
        upstreamClosed();
      });
    };
    try {
      await new Promise<void>((resolve, reject) => {
        const req = httpGet(`${g.url}/health`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => {});
        setTimeout(() => reject(new Error('no answer from the gateway')), 5000).unref();
      });
      // Well before the upstream body timeout: the gateway aborted the upstream exchange itself.
      expect(await closed).toBe(true);
      expect(finished).toBe(false);
    } finally {
      upstream.handler = null;
    }
  });
  it('passes request bodies through to the upstream', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token({ roles: ['Orders.Write'] })}`, 'content-type': 'application/json' }, 'POST', '{"n":1}');
    expect(r.status).toBe(200);
    expect(r.reached[0].body).toBe('{"n":1}');
  });
  it('replaces the caller token with a backend token from client credentials, cached until near expiry', async () => {
    let issued = 0;
    const tokenEndpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        issued++;
        const p = new URLSearchParams(body);
        expect(p.get('grant_type')).toBe('client_credentials');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `backend-${issued}`, expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => tokenEndpoint.listen(0, '127.0.0.1', () => r()));
    try {
      const bg = await gateway({
        routes: [{ path: '/b*', backendCredentials: true }],
        backendCredentials: { tokenEndpoint: `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}/token`, clientId: 'gw', clientSecret: 's', scope: 'api://backend/.default' },
      });
      const a = await send(bg, '/b', { authorization: `Bearer ${token()}` });
      const b = await send(bg, '/b', { authorization: `Bearer ${token()}` });
      expect(a.reached[0].headers.authorization).toBe('Bearer backend-1');
      expect(b.reached[0].headers.authorization).toBe('Bearer backend-1');
      expect(issued).toBe(1);
    } finally {
      tokenEndpoint.closeAllConnections();
      await new Promise<void>((r) => tokenEndpoint.close(() => r()));
    }
  });
});

describe('admin port and profile', () => {
  it('serves Prometheus metrics on the admin port only', async () => {
    await send(g, '/api/orders');
    const metrics = await request(`${g.adminUrl}/metrics`);
    const text = await metrics.body.text();
    expect(text).toMatch(/gatecheck_gateway_requests_total\{outcome="reject",reason="missing_token"/);
    expect(text).toMatch(/gatecheck_gateway_jwks_fetches_total\{kind="jwks",result="ok"\}/);
    expect((await send(g, '/metrics')).status).toBe(404);
  });
  it('generates its target profile from its own config', () => {
    expect(g.profile.audiences).toEqual([AUD]);
    expect(g.profile.routes.find((r) => r.path === '/health')?.auth).toBe('anonymous');
    expect(g.profile.clockSkewSeconds).toBe(0);
    expect(g.profile.features).toContain('subscription-keys');
  });
  it('refuses a bad config with one error naming the key (ERR_GATEWAY_CONFIG)', async () => {
    await expect(startReferenceGateway({ issuers: [{ issuer: 'x', jwksUri: 'http://127.0.0.1:9/k', algorithms: ['none'] }], audiences: ['a'], routes: [{ path: '/' }], upstream: { url: upstream.url } } as never)).rejects.toMatchObject({
      code: 'ERR_GATEWAY_CONFIG',
      key: 'issuers.0.algorithms.0',
    });
    await expect(startReferenceGateway({ issuers: [{ issuer: 'x', jwksUri: 'http://127.0.0.1:9/k', algorithms: ['HS256'] }], audiences: ['a'], routes: [{ path: '/' }], upstream: { url: upstream.url } } as never)).rejects.toMatchObject({ code: 'ERR_GATEWAY_CONFIG' });
  });
});
