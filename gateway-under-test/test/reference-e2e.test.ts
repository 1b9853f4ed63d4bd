import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockIdp, VARIANTS, type MockIdp } from '../../mock-idp/index.ts';
import { demoConfig, startReferenceGateway, type GatewayConfigInput, type ReferenceGateway } from '../index.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';

/**
 * End to end against the real mock IdP: tokens from its token endpoint and its forge, keys from its
 * discovery and JWKS, faults and the request log from its control state.
 */

const CLIENT = { client_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', client_secret: 'demo-secret-not-for-production', scope: 'api://orders-api/.default' };

let idp: MockIdp;
let upstream: EchoUpstream;
const gateways: ReferenceGateway[] = [];

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await upstream.close();
  await idp.close();
});

async function gateway(overrides: Partial<GatewayConfigInput> = {}): Promise<ReferenceGateway> {
  const base = await demoConfig({ idpUrl: idp.url, upstreamUrl: upstream.url, port: 0 });
  const g = await startReferenceGateway({ ...base, admin: false, exposeReason: true, log: { level: 'silent', accessLog: false }, ...overrides });
  gateways.push(g);
  return g;
}

async function clientCredentialsToken(): Promise<string> {
  const res = await request(idp.tenant('contoso').tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...CLIENT }).toString(),
  });
  const body = (await res.body.json()) as { access_token: string };
  expect(res.statusCode).toBe(200);
  return body.access_token;
}

async function send(g: ReferenceGateway, path: string, headers: Record<string, string | string[]> = {}, method = 'GET') {
  const before = upstream.seen.length;
  const started = performance.now();
  const res = await request(`${g.url}${path}`, { method: method as 'GET', headers });
  await res.body.dump();
  return { status: res.statusCode, headers: res.headers, reached: upstream.seen.slice(before), ms: performance.now() - started };
}

const jwksFetches = () => idp.control.requests.count({ tenant: 'contoso', endpoint: 'jwks' });
const contoso = () => ({ name: 'contoso', id: idp.tenant('contoso').id });

describe('reference gateway against the mock IdP', () => {
  let g: ReferenceGateway;
  beforeAll(async () => {
    // The forge's expectations assume 60 s skew and a 32 KiB token limit (VARIANT_TARGET).
    g = await gateway({ token: { clockSkewSeconds: 60, maxTokenBytes: 32 * 1024 }, maxHeaderBytes: 48 * 1024 });
  });

  it('accepts an app token from the client credentials grant and passes the claims contract upstream', async () => {
    const token = await clientCredentialsToken();
    const r = await send(g, '/api/orders', { authorization: `Bearer ${token}`, 'x-user-id': 'spoofed', 'X-Roles': 'Orders.Write' });
    expect(r.status).toBe(200);
    const h = r.reached[0].headers;
    expect(h['x-tenant-id']).toBe(idp.tenant('contoso').id);
    expect(h['x-client-id']).toBe(CLIENT.client_id);
    expect(h['x-roles']).toBe('Orders.Read');
    expect(h['x-user-id']).not.toBe('spoofed');
    expect(h.authorization).toBeUndefined();
  });

  it('refuses Orders.Write to an app holding only Orders.Read (RFC 6750 §3.1 insufficient_scope)', async () => {
    const r = await send(g, '/api/orders', { authorization: `Bearer ${await clientCredentialsToken()}` }, 'POST');
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toContain('scope="Orders.Write"');
  });

  it('serves /health anonymously and accepts the scheme in any case (RFC 9110 §11.1, catalogue A02)', async () => {
    expect((await send(g, '/health')).status).toBe(200);
    expect((await send(g, '/api/orders', { authorization: `bEaReR ${await clientCredentialsToken()}` })).status).toBe(200);
  });

  it('refuses header plus query token with 400 and a query-only token as missing credentials (catalogue A06, A07)', async () => {
    const token = await clientCredentialsToken();
    expect((await send(g, `/api/orders?access_token=${token}`, { authorization: `Bearer ${token}` })).status).toBe(400);
    const q = await send(g, `/api/orders?access_token=${token}`);
    expect(q.status).toBe(401);
    expect(q.reached).toHaveLength(0);
  });

  for (const variant of VARIANTS) {
    const title = `${variant.expect === 'accept' ? 'accepts' : variant.expect === 'reject' ? 'rejects' : 'may accept or reject'} ${variant.name}: ${variant.description}${variant.attack ? ` (catalogue ${variant.attack})` : ''}`;
    it(title, async () => {
      const { token } = await idp.mint({ tenant: 'contoso', ...variant.recipe });
      const r = await send(g, '/api/orders', { authorization: `Bearer ${token}` });
      if (variant.expect === 'accept') {
        expect(r.status, String(r.headers['x-gatecheck-reason'])).toBe(200);
        expect(r.reached).toHaveLength(1);
      } else if (variant.expect === 'reject') {
        expect([400, 401, 403, 431]).toContain(r.status);
        expect(r.reached).toHaveLength(0);
        if (r.status === 401) expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
        if (variant.reason === 'insufficient_role') expect(r.status).toBe(403);
      } else {
        expect([200, 401]).toContain(r.status);
        expect(r.reached).toHaveLength(r.status === 200 ? 1 : 0);
      }
    });
  }

  it('never fetches a jku or x5u named in a token (RFC 8725 §3.10, catalogue C02, C04)', async () => {
    const before = idp.control.requests.list().length;
    for (const name of ['jku-injection', 'x5u-injection']) {
      const { token } = await idp.mint({ tenant: 'contoso', ...VARIANTS.find((v) => v.name === name)!.recipe });
      expect((await send(g, '/api/orders', { authorization: `Bearer ${token}` })).status).toBe(401);
    }
    // The attacker URLs point at port 9 on loopback; nothing else may have been fetched from the IdP either.
    expect(idp.control.requests.list().slice(before).filter((r) => r.endpoint !== 'jwks')).toEqual([]);
  });
});

describe('IdP faults', () => {
  it('keeps accepting known keys while the JWKS is down, through the stale window, then fails closed (catalogue H02)', async () => {
    const g = await gateway({ jwks: { refreshSeconds: 1, staleIfErrorSeconds: 2, failedRetrySeconds: 1 }, tokenCache: { enabled: false } });
    expect((await send(g, '/api/orders', { authorization: `Bearer ${await clientCredentialsToken()}` })).status).toBe(200);
    idp.control.faults.set(contoso(), 'jwks', { kind: 'down' });
    try {
      const fresh = (await idp.mint({ tenant: 'contoso' })).token;
      await new Promise((r) => setTimeout(r, 1500)); // a refresh has failed by now
      const during = await send(g, '/api/orders', { authorization: `Bearer ${fresh}` });
      expect(during.status).toBe(200);
      await new Promise((r) => setTimeout(r, 2000)); // past refresh + stale window
      const after = await send(g, '/api/orders', { authorization: `Bearer ${fresh}` });
      expect(after.status).toBe(503);
      expect(after.reached).toHaveLength(0);
    } finally {
      idp.control.faults.clear(idp.tenant('contoso').id);
      await g.stop(); // its 1 s refresh timer would otherwise show up in the next test's request count
    }
  });

  it('answers 1,000 requests with random unknown kids with at most one JWKS fetch per cooldown (catalogue H07)', async () => {
    const g = await gateway({ jwks: { unknownKidCooldownSeconds: 2 } });
    const { token } = await idp.mint({ tenant: 'contoso' });
    const [, payload, signature] = token.split('.');
    await new Promise((r) => setTimeout(r, 2100)); // the warm-up fetch is now a cooldown old
    const before = jwksFetches();
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: `random-${i}-${Math.random()}` })).toString('base64url');
        return send(g, '/api/orders', { authorization: `Bearer ${header}.${payload}.${signature}` }).then((r) => r.status);
      }),
    );
    expect(statuses.every((s) => s === 401)).toBe(true);
    // One fetch for the first cooldown; on a loaded machine the flood may outlast it, which allows one more per cooldown.
    const fetched = jwksFetches() - before;
    expect(fetched).toBeGreaterThanOrEqual(1);
    expect(fetched).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 2000));
  });

  it('keeps requests with known keys fast while the JWKS takes 5 s to answer (catalogue H03)', async () => {
    const g = await gateway({ jwks: { unknownKidCooldownSeconds: 0, timeoutMs: 8000 }, tokenCache: { enabled: false } });
    const valid = (await idp.mint({ tenant: 'contoso' })).token;
    expect((await send(g, '/api/orders', { authorization: `Bearer ${valid}` })).status).toBe(200);
    idp.control.faults.set(contoso(), 'jwks', { kind: 'slow', delayMs: 5000 });
    try {
      const [, p, s] = valid.split('.');
      const unknown = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'not-yet' })).toString('base64url')}.${p}.${s}`;
      const stuck = send(g, '/api/orders', { authorization: `Bearer ${unknown}` });
      await new Promise((r) => setTimeout(r, 200));
      const timings: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await send(g, '/api/orders', { authorization: `Bearer ${valid}` });
        expect(r.status).toBe(200);
        timings.push(r.ms);
      }
      expect(Math.max(...timings)).toBeLessThan(1000);
      const slow = await stuck;
      expect(slow.status).toBe(401);
      expect(slow.ms).toBeGreaterThan(4000);
    } finally {
      idp.control.faults.clear(idp.tenant('contoso').id);
    }
  });

  it('accepts a token from a rotated-in key once the cooldown allows a refetch, and drops the retired one (catalogue H05, H06)', async () => {
    const g = await gateway({ jwks: { unknownKidCooldownSeconds: 0 } });
    const old = (await idp.mint({ tenant: 'contoso' })).token;
    expect((await send(g, '/api/orders', { authorization: `Bearer ${old}` })).status).toBe(200);
    const keys = idp.keys('contoso');
    await keys.rotate();
    await keys.rotate();
    await keys.rotate(); // the key that signed `old` is retired now
    const fresh = (await idp.mint({ tenant: 'contoso' })).token;
    expect((await send(g, '/api/orders', { authorization: `Bearer ${fresh}` })).status).toBe(200);
    const replay = await send(g, '/api/orders', { authorization: `Bearer ${old}` });
    expect(replay.status).toBe(401);
    expect(replay.reached).toHaveLength(0);
  });
});
