import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { accessTokenClaims } from '../entra/access-token-claims.ts';
import { createMockIdp, type MockIdp } from '../index.ts';
import { CONTOSO, postForm } from './support/entra-client.ts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp?.close());
afterEach(async () => {
  await admin('DELETE', '/_admin/tenants/contoso/claim-overrides');
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${idp.url}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, json: await res.json() };
}

/** orders-daemon's app-only token for orders-api, by client credentials over HTTP. */
async function daemonToken(): Promise<Record<string, unknown>> {
  const res = await postForm(idp.url, '/oauth2/v2.0/token', {
    grant_type: 'client_credentials',
    client_id: CONTOSO.daemon.id,
    client_secret: CONTOSO.daemon.secret,
    scope: 'api://orders-api/.default',
  });
  expect(res.status).toBe(200);
  return decodeJwt(res.body.access_token);
}

/** A user's token for `scope`, as orders-cli gets it with the user's password. */
async function userToken(upn: string, password: string, scope: string): Promise<Record<string, unknown>> {
  const res = await postForm(idp.url, '/oauth2/v2.0/token', { grant_type: 'password', client_id: CONTOSO.cli, username: upn, password, scope });
  expect(res.status).toBe(200);
  return decodeJwt(res.body.access_token);
}

describe('claim overrides through the control API reach tokens from the real endpoints', () => {
  test("a client's override changes its client-credentials tokens until cleared; GET lists it", async () => {
    const set = await admin('PUT', '/_admin/tenants/contoso/claim-overrides', { client: 'orders-daemon', claims: { 'extn.dept': 'sales', roles: ['Orders.Write'] } });
    expect(set.status).toBe(200);
    expect(set.json.override).toMatchObject({ target: 'client', id: CONTOSO.daemon.id, name: 'orders-daemon' });
    for (let i = 0; i < 2; i++) {
      const claims = await daemonToken();
      expect(claims).toMatchObject({ 'extn.dept': 'sales', roles: ['Orders.Write'], azp: CONTOSO.daemon.id, aud: CONTOSO.ordersApi });
    }
    expect((await admin('GET', '/_admin/tenants/contoso/claim-overrides')).json.overrides).toHaveLength(1);
    expect((await admin('DELETE', '/_admin/tenants/contoso/claim-overrides')).json).toMatchObject({ cleared: 1 });
    const after = await daemonToken();
    expect(after['extn.dept']).toBeUndefined();
    expect(after.roles).toEqual(['Orders.Read']);
  });

  test('count: 1 applies to the next token only; null removes a claim', async () => {
    await admin('PUT', '/_admin/tenants/contoso/claim-overrides', { client: CONTOSO.daemon.id, claims: { roles: null, aud: 'api://someone-else' }, count: 1 });
    const first = await daemonToken();
    expect(first.roles).toBeUndefined();
    expect(first.aud).toBe('api://someone-else');
    const second = await daemonToken();
    expect(second).toMatchObject({ roles: ['Orders.Read'], aud: CONTOSO.ordersApi });
    expect((await admin('GET', '/_admin/tenants/contoso/claim-overrides')).json.overrides).toEqual([]);
  });

  test("a user's override reaches the user's delegated tokens (by UPN), not the daemon's", async () => {
    await admin('PUT', '/_admin/tenants/contoso/claim-overrides', { user: CONTOSO.alice.upn, claims: { scp: 'Orders.Read Orders.Write' } });
    const alice = await userToken(CONTOSO.alice.upn, CONTOSO.alice.password, 'api://orders-api/Orders.Read');
    expect(alice).toMatchObject({ scp: 'Orders.Read Orders.Write', oid: CONTOSO.alice.oid });
    expect((await daemonToken()).scp).toBeUndefined();
  });

  test('a checkpoint restore puts the overrides back as they were', async () => {
    const { json: checkpoint } = await admin('POST', '/_admin/tenants/contoso/checkpoints', {});
    await admin('PUT', '/_admin/tenants/contoso/claim-overrides', { client: 'orders-daemon', claims: { 'extn.dept': 'sales' } });
    const restored = await admin('POST', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}/restore`, {});
    expect(restored.json.claimOverrides).toEqual([]);
    expect((await daemonToken())['extn.dept']).toBeUndefined();
    await admin('DELETE', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}`);
  });

  test.each([
    ['an unknown field', { client: 'orders-daemon', claims: { a: 1 }, colour: 'blue' }, 'colour'],
    ['iss, which decides whose token it is', { client: 'orders-daemon', claims: { iss: 'https://elsewhere.example/' } }, 'claims.iss'],
    ['both a client and a user', { client: 'orders-daemon', user: CONTOSO.alice.upn, claims: { a: 1 } }, 'user'],
    ['neither a client nor a user', { claims: { a: 1 } }, 'client'],
    ['no claims', { client: 'orders-daemon', claims: {} }, 'claims'],
    ['a count of zero', { client: 'orders-daemon', claims: { a: 1 }, count: 0 }, 'count'],
    ['a client the tenant does not have', { client: 'nobody', claims: { a: 1 } }, 'client'],
    ['a user the tenant does not have', { user: 'nobody@contoso.example', claims: { a: 1 } }, 'user'],
  ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
    const res = await admin('PUT', '/_admin/tenants/contoso/claim-overrides', body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_request', field });
  });
});

describe('groups overage and optional claims from the tenant file', () => {
  test('a user within the API\'s groupsOverageLimit gets groups; one over it gets the overage claims instead', async () => {
    const scope = 'api://storefront-api/Storefront.Access';
    const alice = await userToken(CONTOSO.alice.upn, CONTOSO.alice.password, scope);
    expect(alice.groups).toEqual(['8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d']);
    expect(alice._claim_names).toBeUndefined();

    const carol = await userToken('carol@contoso.example', 'carol-demo-password', scope);
    expect(carol.groups).toBeUndefined();
    expect(carol._claim_names).toEqual({ groups: 'src1' });
    expect(carol._claim_sources).toEqual({ src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${carol.oid}/getMemberObjects` } });
    // orders-api keeps Entra's limit of 200: carol's five groups fit.
    expect((await userToken('carol@contoso.example', 'carol-demo-password', 'api://orders-api/Orders.Read')).groups).toHaveLength(5);
  });

  test('upn, given_name, family_name and ipaddr reach v2 user tokens only for an API that lists them', () => {
    const rt = idp.runtime('contoso');
    const api = rt.tenant.apis.find((a) => a.name === 'orders-api')!;
    const client = rt.tenant.clients.find((c) => c.name === 'orders-cli')!;
    const alice = rt.tenant.users.find((u) => u.upn === CONTOSO.alice.upn)!;
    const carol = rt.tenant.users.find((u) => u.upn === 'carol@contoso.example')!;
    const build = (optionalClaims: typeof api.optionalClaims, user = alice) =>
      accessTokenClaims({ tenant: rt.tenant, issuers: rt.issuers, api: { ...api, optionalClaims }, client, user, scopes: ['Orders.Read'], clientAuth: 0, now: 1_700_000_000, lifetimeSeconds: 3600 }).payload;
    expect(build([])).not.toHaveProperty('upn');
    expect(build(['upn', 'given_name', 'family_name', 'ipaddr'])).toMatchObject({ upn: CONTOSO.alice.upn, given_name: 'Alice', family_name: 'Example', ipaddr: '127.0.0.1' });
    // carol has no given or family name in the tenant file: the claims have nothing to fill them.
    const forCarol = build(['given_name', 'family_name'], carol);
    expect(forCarol).not.toHaveProperty('given_name');
    expect(forCarol).not.toHaveProperty('family_name');
  });
});
