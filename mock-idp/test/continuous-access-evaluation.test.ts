import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';
import { CONTOSO, expectEntraError, postForm } from './support/entra-client.ts';

/**
 * Continuous access evaluation on the mock's side: revoking a user's sign-in sessions (or one session)
 * through the control API, the revocation list gateways poll (gatecheck's stand-in for CAE critical
 * events), refresh tokens issued before the revocation refused as Entra refuses them, and a claims
 * challenge's `nbf` honoured by the token endpoint.
 */
let idp: MockIdp;
const ADMIN = 'an-admin-token-for-these-tests';
beforeAll(async () => {
  idp = await createMockIdp({ port: 0, adminToken: ADMIN, revocationListMaxAgeSeconds: 2 });
});
afterAll(() => idp.close());
afterEach(() => void idp.runtime('contoso').revocations.clear());

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${idp.url}/_admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const revocationList = () => fetch(`${idp.url}/_cae/contoso/revocations`);

function ropc(extra: Record<string, string> = {}) {
  return postForm(idp.url, '/oauth2/v2.0/token', {
    grant_type: 'password',
    client_id: CONTOSO.cli,
    username: CONTOSO.alice.upn,
    password: CONTOSO.alice.password,
    scope: 'api://orders-api/Orders.Read offline_access',
    ...extra,
  });
}

describe('revoking a user', () => {
  test('POST …/users/{upn}/revoke: the revocation starts the second after now, and says how long gateways may take to see it', async () => {
    const before = idp.runtime('contoso').now();
    const { status, json } = await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ tenant: 'contoso', tenantId: CONTOSO.id, revocation: { oid: CONTOSO.alice.oid, upn: CONTOSO.alice.upn }, propagationSeconds: 2 });
    expect(json.revocation.notBefore).toBeGreaterThan(before);
    expect(json.revocation.notBefore).toBeLessThanOrEqual(idp.runtime('contoso').now() + 1);
  });

  test('by object id too; an unknown user is a 404 naming the field', async () => {
    expect((await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.oid}/revoke`)).json.revocation.upn).toBe(CONTOSO.alice.upn);
    const unknown = await admin('POST', '/tenants/contoso/users/mallory@contoso.example/revoke');
    expect(unknown).toMatchObject({ status: 404, json: { error: 'not_found', field: 'user' } });
  });

  test('GET …/revocations lists them, DELETE clears them', async () => {
    await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    await admin('POST', '/tenants/contoso/sessions/a-session-id/revoke');
    const listed = await admin('GET', '/tenants/contoso/revocations');
    expect(listed.json.revocations.map((r: { upn?: string; sid?: string }) => r.upn ?? r.sid)).toEqual([CONTOSO.alice.upn, 'a-session-id']);
    expect(listed.json.list).toBe(`${idp.url}/_cae/${CONTOSO.id}/revocations`);
    expect((await admin('DELETE', '/tenants/contoso/revocations')).json.cleared).toBe(2);
    expect((await admin('GET', '/tenants/contoso/revocations')).json.revocations).toEqual([]);
  });

  test('a checkpoint restore takes revocations made after it back', async () => {
    const { json: checkpoint } = await admin('POST', '/tenants/contoso/checkpoints', {});
    await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    expect((await admin('POST', `/tenants/contoso/checkpoints/${checkpoint.checkpoint}/restore`, {})).json.revocations).toEqual([]);
    expect(idp.runtime('contoso').revocations.list()).toEqual([]);
  });
});

describe('the revocation list (not an Entra API: gatecheck\'s stand-in for critical events)', () => {
  test('is public, says what it is, and carries the tenant, its issuers and each revocation', async () => {
    const { json } = await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    await admin('POST', '/tenants/contoso/sessions/s-1/revoke');
    const res = await revocationList();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('max-age=2');
    const doc = (await res.json()) as { about: string };
    expect(doc.about).toMatch(/not an Entra API/);
    expect(doc).toMatchObject({
      tenantId: CONTOSO.id,
      issuers: [idp.tenant('contoso').issuer, idp.tenant('contoso').issuerV1],
      authorizationUri: `${idp.url}/${CONTOSO.id}/oauth2/authorize`,
      maxAgeSeconds: 2,
      revocations: [{ oid: CONTOSO.alice.oid, notBefore: json.revocation.notBefore }, { sid: 's-1', notBefore: expect.any(Number) }],
    });
  });

  test('answers a poll that finds nothing new with 304, and a changed list with 200 and a new tag', async () => {
    const first = await revocationList();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(`${idp.url}/_cae/contoso/revocations`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    const changed = await fetch(`${idp.url}/_cae/contoso/revocations`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  test('an unknown tenant or path is a JSON 404', async () => {
    for (const path of ['/_cae/nowhere/revocations', '/_cae/contoso/other']) {
      const res = await fetch(`${idp.url}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
  });
});

describe('the token endpoint after a revocation', () => {
  test('a refresh token issued before it is refused with AADSTS50173; signing in again works', async () => {
    const signedIn = await ropc();
    expect(signedIn.status).toBe(200);
    await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    const refreshed = await postForm(idp.url, '/oauth2/v2.0/token', { grant_type: 'refresh_token', client_id: CONTOSO.cli, refresh_token: signedIn.body.refresh_token });
    expectEntraError(refreshed, 400, 'invalid_grant', 50173);
    expect((await ropc()).status).toBe(200);
  });

  test('a claims challenge\'s nbf is honoured: the new token is issued no earlier than it asks, and carries xms_cc', async () => {
    const { json } = await admin('POST', `/tenants/contoso/users/${CONTOSO.alice.upn}/revoke`);
    const notBefore = json.revocation.notBefore as number;
    const claims = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] }, nbf: { essential: true, value: String(notBefore) } } });
    const res = await ropc({ claims });
    expect(res.status).toBe(200);
    const payload = decodeJwt(res.body.access_token);
    expect(payload.iat).toBeGreaterThanOrEqual(notBefore);
    expect(payload.xms_cc).toEqual(['cp1']);
  });
});
