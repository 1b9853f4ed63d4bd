import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(async () => {
  await idp?.close();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${idp.url}/_admin${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, json: (await res.json()) as any };
};
const jwks = async () => (await (await fetch(idp.tenant('contoso').jwksUri)).json()) as { keys: Record<string, string>[] };

describe('weak keys (RFC 7518 §3.3: RSA keys of 2048 bits or more)', () => {
  test('publishes a really generated 1024-bit RSA key under a chosen kid and signs tokens with it', async () => {
    const added = await admin('POST', '/tenants/contoso/keys', { state: 'next', modulusLength: 1024, kid: 'weak-1024' });
    expect(added.status).toBe(201);
    expect(added.json.key).toMatchObject({ kid: 'weak-1024', state: 'next', published: true, modulusLength: 1024 });
    const published = (await jwks()).keys.find((k) => k.kid === 'weak-1024')!;
    expect(published).toBeDefined();
    const key = createPublicKey({ key: { kty: 'RSA', n: published.n, e: published.e }, format: 'jwk' });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(1024);

    const { token } = await idp.mint({ tenant: 'contoso', key: { type: 'kid', kid: 'weak-1024' } });
    const [h, p, s] = token.split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: 'weak-1024' });
    expect(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);

    expect((await admin('DELETE', '/tenants/contoso/keys/weak-1024')).json).toEqual({ removed: 'weak-1024' });
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain('weak-1024');
  });

  test('publishes a modulus with e = 1 and signs RS256 tokens any verifier without an exponent check accepts (Wycheproof rejectsPublicExponent1)', async () => {
    const added = await admin('POST', '/tenants/contoso/keys', { state: 'next', publicExponent: 1, kid: 'exponent-1' });
    expect(added.json.key).toMatchObject({ kid: 'exponent-1', published: true, modulusLength: 2048, publicExponent: 1 });
    const published = (await jwks()).keys.find((k) => k.kid === 'exponent-1')!;
    expect(published).toEqual({ kty: 'RSA', use: 'sig', kid: 'exponent-1', n: expect.any(String), e: 'AQ', issuer: idp.tenant('contoso').issuer });
    const key = createPublicKey({ key: { kty: 'RSA', n: published.n, e: published.e }, format: 'jwk' });
    expect(key.asymmetricKeyDetails?.publicExponent).toBe(1n);

    const { token } = await idp.mint({ tenant: 'contoso', key: { type: 'kid', kid: 'exponent-1' } });
    const [h, p, s] = token.split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: 'exponent-1' });
    // OpenSSL itself takes e = 1: only a verifier's own exponent check stands between this token and acceptance.
    expect(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);
    await admin('DELETE', '/tenants/contoso/keys/exponent-1');
  });

  test('refuses a modulus length it cannot make, and a kid that is taken (400, 409)', async () => {
    expect((await admin('POST', '/tenants/contoso/keys', { state: 'next', publicExponent: 1 })).json.field).toBe('kid');
    expect((await admin('POST', '/tenants/contoso/keys', { state: 'next', modulusLength: 512 })).json.field).toBe('modulusLength');
    const primary = idp.keys('contoso').primary().kid;
    expect((await admin('POST', '/tenants/contoso/keys', { state: 'next', kid: primary })).status).toBe(409);
  });
});
