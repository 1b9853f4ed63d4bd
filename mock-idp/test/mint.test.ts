import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { mint } from '../mint/mint.ts';
import { mintWithTenants } from '../mint/mint-with-tenants.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { fixtureRuntime } from './support/contoso-runtime.ts';

describe('mint()', () => {
  let contoso: TenantRuntime;
  let fabrikam: TenantRuntime;
  const jwks = (rt: TenantRuntime) => createLocalJWKSet(rt.keys.jwks() as JSONWebKeySet);
  beforeAll(async () => {
    [contoso, fabrikam] = await Promise.all([fixtureRuntime('contoso'), fixtureRuntime('fabrikam')]);
  });

  test('relative times follow the tenant clock offset (control API PUT …/clock)', async () => {
    contoso.clockOffsetSeconds = -3600;
    try {
      const { claims } = await mint(contoso, { claims: { exp: { in: '+5m' } } });
      const expected = Math.floor(Date.now() / 1000) - 3600 + 300;
      expect(Math.abs((claims!.exp as number) - expected)).toBeLessThanOrEqual(1);
    } finally {
      contoso.clockOffsetSeconds = 0;
    }
  });

  test('returns the decoded header and claims of the token it returns, and the resolved recipe', async () => {
    const r = await mint(contoso, { claims: { custom: 'x' }, omitClaims: ['aio'] });
    expect(decodeProtectedHeader(r.token)).toEqual(r.header);
    expect(r.claims).toMatchObject({ custom: 'x', tid: contoso.tenant.id });
    expect(r.claims).not.toHaveProperty('aio');
    expect(r.recipe).toMatchObject({ tenant: 'contoso', profile: 'entra-v2-app', key: 'primary' });
  });

  test('v2 headers carry kid only and v1 headers also x5t, as Entra writes them', async () => {
    const v2 = await mint(contoso, {});
    const v1 = await mint(contoso, { profile: 'entra-v1-app' });
    expect(Object.keys(v2.header!).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(v1.header).toMatchObject({ x5t: v1.header!.kid, typ: 'JWT' });
    expect(v1.claims).toMatchObject({ ver: '1.0', aud: 'api://legacy-api' });
  });

  test('the hand-built JWS path produces signatures jose verifies (same bytes rules as the jose path)', async () => {
    const { token } = await mint(contoso, { header: { crit: ['exp-ext'], 'exp-ext': 1 } });
    await expect(jwtVerify(token, jwks(contoso), { crit: { 'exp-ext': true } })).resolves.toBeTruthy();
  });

  test('signWith computes a different algorithm than the header names', async () => {
    const { token, header } = await mint(contoso, { signWith: 'PS256' });
    expect(header!.alg).toBe('RS256');
    await expect(jwtVerify(token, jwks(contoso))).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('flip-bit changes exactly one bit of the signature', async () => {
    const base = await mint(contoso, { claims: { jti: 'fixed' } });
    const [h, p, s] = base.token.split('.');
    const flipped = (await mint(contoso, { rawHeader: Buffer.from(h, 'base64url').toString(), rawPayload: Buffer.from(p, 'base64url').toString(), tamper: [{ type: 'flip-bit', byte: 0, bit: 3 }] })).token.split('.');
    expect(flipped.slice(0, 2)).toEqual([h, p]);
    const a = Buffer.from(s, 'base64url');
    const b = Buffer.from(flipped[2], 'base64url');
    expect(a[0] ^ b[0]).toBe(8);
    expect(a.subarray(1)).toEqual(b.subarray(1));
  });

  test('padTo yields a token of at least that size that still verifies', async () => {
    const { token } = await mint(contoso, { padTo: 50_000 });
    expect(token.length).toBeGreaterThanOrEqual(50_000);
    expect(token.length).toBeLessThan(50_100);
    await expect(jwtVerify(token, jwks(contoso))).resolves.toBeTruthy();
  });

  test('issuerTenant names another tenant of the mock: its iss and tid, the same signing key', async () => {
    const r = await mintWithTenants([contoso, fabrikam], { tenant: 'contoso', issuerTenant: 'fabrikam' });
    expect(r.claims).toMatchObject({ iss: fabrikam.issuers.v2, tid: fabrikam.tenant.id });
    await expect(jwtVerify(r.token, jwks(contoso))).resolves.toBeTruthy();
  });

  test('an invalid recipe fails with ERR_MINT_INVALID_RECIPE naming the field', async () => {
    await expect(mint(contoso, { claims: { exp: { in: 'soon' } } } as never)).rejects.toMatchObject({ code: 'ERR_MINT_INVALID_RECIPE', field: 'claims.exp.in' });
    await expect(mint(contoso, { colour: 'red' } as never)).rejects.toMatchObject({ code: 'ERR_MINT_INVALID_RECIPE', field: 'colour' });
    await expect(mint(contoso, { api: 'nope' })).rejects.toMatchObject({ code: 'ERR_MINT_UNKNOWN_REFERENCE', field: 'api' });
    await expect(mint(contoso, { key: 'previous' })).rejects.toMatchObject({ code: 'ERR_MINT_NO_KEY', field: 'key' });
    await expect(mint(contoso, { tenant: 'fabrikam' })).rejects.toMatchObject({ field: 'tenant' });
  });

  test('no minted token, header or result carries private key material', async () => {
    const r = await mint(contoso, { embed: ['jwk', 'x5c'], key: 'attacker' });
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/"d"\s*:|PRIVATE KEY|"p"\s*:|"q"\s*:/);
    expect(r.header!.jwk).not.toHaveProperty('d');
  });
});
