import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { demoConfig, startReferenceGateway, type ReferenceGateway } from '../index.ts';
import { RevocationLists } from '../reference/pipeline/revocation-lists.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';

/**
 * Continuous access evaluation in the reference gateway, against the mock IdP's revocation list: a
 * CAE-capable token (`xms_cc: ["cp1"]`) of a user or session revoked after it was issued is refused
 * before `exp` with Entra's claims challenge, also when it was verified (and cached) before; tokens
 * without the capability, other users' tokens and tokens issued after the revocation pass.
 */
const ALICE = { upn: 'alice@contoso.example', oid: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', password: 'alice-demo-password' };
const CLI = '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f';
const CAE = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });

let idp: MockIdp;
let upstream: EchoUpstream;
let g: ReferenceGateway;

beforeAll(async () => {
  idp = await createMockIdp({ port: 0, revocationListMaxAgeSeconds: 1 });
  upstream = await startEchoUpstream();
  const base = await demoConfig({ idpUrl: idp.url, upstreamUrl: upstream.url, port: 0 });
  g = await startReferenceGateway({
    ...base,
    admin: false,
    exposeReason: true,
    log: { level: 'silent', accessLog: false },
    cae: { revocationLists: [idp.runtime('contoso').urls.revocations], refreshSeconds: 0.2 },
  });
});
afterAll(async () => {
  await g?.stop();
  await upstream.close();
  await idp.close();
});

/** alice's token from the mock's token endpoint (username/password), CAE-capable when `claims` says so. */
async function aliceToken(claims?: string): Promise<string> {
  const res = await fetch(idp.tenant('contoso').tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: CLI, username: ALICE.upn, password: ALICE.password, scope: 'api://orders-api/Orders.Read', ...(claims ? { claims } : {}) }),
  });
  const body = (await res.json()) as { access_token: string };
  expect(res.status).toBe(200);
  return body.access_token;
}

async function send(token: string) {
  const before = upstream.seen.length;
  const res = await request(`${g.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  await res.body.dump();
  return { status: res.statusCode, headers: res.headers, reached: upstream.seen.slice(before) };
}

/** Sends until the answer has `status` or the time is up: the gateway learns of a revocation within the list's max-age plus its poll interval. */
async function eventually(token: string, status: number, withinMs = 5000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await send(token);
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function decodeChallenge(header: string | string[] | undefined): { params: Record<string, string>; claims: unknown } {
  const params = Object.fromEntries([...String(header).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  return { params, claims: JSON.parse(Buffer.from(params.claims ?? '', 'base64').toString('utf8')) };
}

describe('a revoked user', () => {
  it('a CAE-capable token accepted before the revocation is refused after it with a claims challenge; the others pass', async () => {
    const capable = await aliceToken(CAE);
    const plain = await aliceToken();
    // Twice: the second verification stores it, so the refusal below comes through a cache hit.
    expect((await send(capable)).status).toBe(200);
    expect((await send(capable)).status).toBe(200);
    const revoked = await fetch(`${idp.url}/_admin/tenants/contoso/users/${ALICE.upn}/revoke`, { method: 'POST' });
    const { revocation } = (await revoked.json()) as { revocation: { notBefore: number } };

    const refused = await eventually(capable, 401);
    expect(refused.status).toBe(401);
    expect(refused.reached).toEqual([]);
    expect(refused.headers['x-gatecheck-reason']).toBe('token_revoked');
    const { params, claims } = decodeChallenge(refused.headers['www-authenticate']);
    expect(String(refused.headers['www-authenticate'])).toMatch(/^Bearer realm="gatecheck", authorization_uri="[^"]+", error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/);
    expect(params.authorization_uri).toBe(`${idp.url}/${idp.tenant('contoso').id}/oauth2/authorize`);
    expect(claims).toEqual({ access_token: { nbf: { essential: true, value: String(revocation.notBefore) } } });

    // A token whose client cannot answer a claims challenge keeps working until it expires, as under Entra.
    expect((await send(plain)).status).toBe(200);
    // The new token the challenge asks for: issued from notBefore on (the mock waits for that second).
    const fresh = await aliceToken(JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] }, nbf: { essential: true, value: String(revocation.notBefore) } } }));
    expect((await send(fresh)).status).toBe(200);
  });
});

describe('a revoked session', () => {
  it('refuses the CAE-capable tokens of that session only', async () => {
    const mint = async (sid: string) => (await idp.mint({ tenant: 'contoso', profile: 'entra-v2-user', user: ALICE.upn, claims: { xms_cc: ['cp1'], sid } })).token;
    const one = await mint('session-one');
    const two = await mint('session-two');
    expect((await send(one)).status).toBe(200);
    await fetch(`${idp.url}/_admin/tenants/contoso/sessions/session-one/revoke`, { method: 'POST' });
    expect((await eventually(one, 401)).status).toBe(401);
    expect((await send(two)).status).toBe(200);
  });
});

describe('the profile', () => {
  it('declares the cae feature when cae is configured', () => {
    expect(g.profile.features).toContain('cae');
  });
});

describe('RevocationLists, against a list server the test controls', () => {
  let server: Server;
  let body = '';
  let status = 200;
  let requests = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=1' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/list`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const claims = { tid: 't1', oid: 'u1', iat: 100, xms_cc: ['CP1'] };

  it('a failed or malformed poll keeps the last good list; a token without iat or nbf counts as issued before', async () => {
    body = JSON.stringify({ tenantId: 't1', revocations: [{ oid: 'u1', notBefore: 200 }] });
    const lists = new RevocationLists([url], { refreshSeconds: 0.05, timeoutMs: 1000, maxBytes: 10_000 });
    await lists.start();
    try {
      expect(lists.revoked(claims)).toEqual({ notBefore: 200, authorizationUri: undefined });
      expect(lists.revoked({ ...claims, iat: 200 })).toBeUndefined();
      expect(lists.revoked({ ...claims, tid: 't2' })).toBeUndefined();
      expect(lists.revoked({ tid: 't1', oid: 'u1', xms_cc: ['cp1'] })).toEqual({ notBefore: 200, authorizationUri: undefined });
      body = '{"not":"a list"}';
      const seen = requests;
      // The next polls (every 50 ms) find garbage, then a 500: the revocation stays known.
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = 500;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(requests).toBeGreaterThan(seen);
      expect(lists.errors.get(url)).toMatch(/answered 500/);
      expect(lists.revoked(claims)?.notBefore).toBe(200);
    } finally {
      lists.stop();
      status = 200;
    }
  });

  it('an oversized list is refused, not read', async () => {
    body = JSON.stringify({ tenantId: 't1', revocations: Array.from({ length: 500 }, (_, i) => ({ oid: `u${i}`, notBefore: 1 })) });
    const lists = new RevocationLists([url], { refreshSeconds: 60, timeoutMs: 1000, maxBytes: 1000 });
    await lists.start();
    lists.stop();
    expect(lists.errors.get(url)).toMatch(/larger than 1000 bytes/);
    expect(lists.revoked({ ...claims, oid: 'u1', iat: 0 })).toBeUndefined();
  });
});
