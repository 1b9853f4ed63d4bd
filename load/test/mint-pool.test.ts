import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { expect, test } from 'vitest';
import { mint } from '../../mock-idp/mint/mint.ts';
import { fixtureRuntime } from '../../mock-idp/test/support/contoso-runtime.ts';
import { mintTokenPool, tokenPoolFile } from '../runner/mint-pool.ts';

test('the worker pool mints distinct tokens that verify against the tenant JWKS and keep the template claims', async () => {
  const runtime = await fixtureRuntime('contoso');
  const template = await mint(runtime, {});
  const spec = { count: 501, header: template.header!, claims: template.claims!, privateKey: runtime.keys.primary().privateKey, workers: 2 };
  const progress: number[] = [];
  const pool = await mintTokenPool({ ...spec, onProgress: (n) => progress.push(n) });
  expect(pool.tokens).toHaveLength(501);
  expect(new Set(pool.tokens).size).toBe(501);
  expect(new Set(pool.tokens.map((t) => decodeJwt(t).uti)).size).toBe(501);
  const jwks = createLocalJWKSet(runtime.keys.jwks() as JSONWebKeySet);
  for (const token of [pool.tokens[0], pool.tokens[250], pool.tokens[500]]) {
    const { payload } = await jwtVerify(token, jwks, { issuer: runtime.issuers.v2, audience: template.claims!.aud as string });
    expect({ ...payload, uti: undefined }).toEqual({ ...template.claims, uti: undefined });
  }
  const file = tokenPoolFile(pool, spec);
  expect(file).toMatchObject({ format: 'gatecheck-token-pool/1', count: 501, alg: 'RS256', kid: template.header!.kid, issuer: runtime.issuers.v2 });
  expect(Date.parse(file.expiresAt!)).toBe((template.claims!.exp as number) * 1000);
});

test('PS256 pools sign with PSS, and other algorithms are refused up front', async () => {
  const runtime = await fixtureRuntime('contoso');
  const template = await mint(runtime, { header: { alg: 'PS256' } });
  const pool = await mintTokenPool({ count: 3, header: template.header!, claims: template.claims!, privateKey: runtime.keys.primary().privateKey, workers: 1 });
  await expect(jwtVerify(pool.tokens[0], createLocalJWKSet(runtime.keys.jwks() as JSONWebKeySet), { algorithms: ['PS256'] })).resolves.toBeTruthy();
  await expect(mintTokenPool({ count: 1, header: { alg: 'HS256' }, claims: {}, privateKey: runtime.keys.primary().privateKey })).rejects.toThrow(/RS\*\/PS\*/);
});
