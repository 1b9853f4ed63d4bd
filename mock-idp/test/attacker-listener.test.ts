import { X509Certificate } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp.close());

describe('the attacker listener (targets of jku/x5u injection, RFC 8725 §3.10)', () => {
  test('a verifier that follows jku fetches the attacker JWKS, accepts the forged token, and the fetch is counted', async () => {
    const { token } = await idp.mint({ key: 'attacker', header: { kid: '{{keys.primary}}', jku: '{{claims.iss}}/../../_attacker/{{claims.tid}}/jwks.json' } });
    await fetch(`${idp.url}/_admin/requests`, { method: 'DELETE' });
    const jku = String(decodeProtectedHeader(token).jku);
    // The naive verifier is the point: a correct gateway must never do this.
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(jku)))).resolves.toBeTruthy();
    const log = (await (await fetch(`${idp.url}/_admin/requests?endpoint=attacker`)).json()) as { count: number; counts: Record<string, number> };
    expect(log.count).toBe(1);
    expect(log.counts).toMatchObject({ attacker: 1, jwks: 0 });
    // The tenant's real JWKS never holds the attacker key.
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(idp.tenant('contoso').jwksUri)))).rejects.toThrow();
  });

  test('x5u serves the attacker certificate, whose key is not the tenant\'s', async () => {
    await idp.mint({ key: 'attacker' });
    const pem = await (await fetch(`${idp.url}/_attacker/contoso/cert.pem`)).text();
    const cert = new X509Certificate(pem);
    const published = idp.keys('contoso').published().map((k) => k.publicKey.export({ format: 'jwk' }).n);
    expect(published).not.toContain(cert.publicKey.export({ format: 'jwk' }).n);
  });

  test('anything else under /_attacker is 404', async () => {
    expect((await fetch(`${idp.url}/_attacker/contoso/other.txt`)).status).toBe(404);
    expect((await fetch(`${idp.url}/_attacker/nobody/jwks.json`)).status).toBe(404);
  });
});
