import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { mint } from '../mint/mint.ts';
import { REJECT_REASONS, VARIANT_TARGET, VARIANTS, type RejectReason } from '../mint/variants.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { fixtureRuntime } from './support/contoso-runtime.ts';

/**
 * A gateway as VARIANT_TARGET describes it, with jose doing the JOSE part: the tenant's JWKS, its v2
 * issuer, the API's audience, RS256 only, exp required, 60 s skew, no future iat; then the role check.
 */
async function verdict(runtime: TenantRuntime, token: string): Promise<{ accepted: true } | { accepted: false; reason: RejectReason | string }> {
  if (Buffer.byteLength(token) > VARIANT_TARGET.maxTokenBytes) return { accepted: false, reason: 'oversized' };
  const api = runtime.tenant.apis.find((a) => a.name === VARIANT_TARGET.api)!;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(runtime.keys.jwks() as JSONWebKeySet), {
      issuer: runtime.issuers.v2,
      audience: api.appId,
      algorithms: [...VARIANT_TARGET.algorithms],
      requiredClaims: [...VARIANT_TARGET.requiredClaims],
      clockTolerance: VARIANT_TARGET.clockSkewSeconds,
      maxTokenAge: '1d',
    });
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!roles.includes(VARIANT_TARGET.requiredRole) && !scopes.includes(VARIANT_TARGET.requiredRole)) {
      return { accepted: false, reason: 'insufficient_role' };
    }
    return { accepted: true };
  } catch (e) {
    return { accepted: false, reason: joseReason(e) };
  }
}

function joseReason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.reason === 'missing') return 'missing_claim';
    if (e.reason === 'invalid') return 'invalid_claim';
    return { nbf: 'not_yet_valid', iat: 'issued_in_future', iss: 'invalid_issuer', aud: 'invalid_audience' }[e.claim] ?? `claim_${e.claim}`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  // Without a kid, jose's local set refuses to pick among several candidates rather than trying each.
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (e instanceof errors.JOSENotSupported && /Extension Header Parameter/.test(e.message)) return 'unsupported_crit';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'malformed';
  return `unexpected ${(e as Error).name}: ${(e as Error).message}`;
}

describe('named variants against a jose-based gateway with the tenant JWKS', () => {
  let runtime: TenantRuntime;
  beforeAll(async () => {
    runtime = await fixtureRuntime('contoso');
  });

  test('there are at least 40 variants, uniquely named, each with a one-line description', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(VARIANTS.map((v) => v.name)).size).toBe(VARIANTS.length);
    for (const v of VARIANTS) expect(v.description).toMatch(/^[^\n]{10,120}$/);
    for (const v of VARIANTS.filter((x) => x.expect === 'reject')) expect(REJECT_REASONS).toContain(v.reason);
  });

  test.each(VARIANTS.filter((v) => v.expect === 'accept').map((v) => [v.name, v] as const))('accepts %s', async (_, variant) => {
    const { token } = await mint(runtime, variant.recipe);
    expect(await verdict(runtime, token)).toEqual({ accepted: true });
  });

  test.each(VARIANTS.filter((v) => v.expect === 'reject').map((v) => [v.name, v] as const))('rejects %s for the expected reason', async (_, variant) => {
    const { token } = await mint(runtime, variant.recipe);
    expect(await verdict(runtime, token)).toEqual({ accepted: false, reason: variant.reason });
  });

  test.each(VARIANTS.filter((v) => v.expect === 'either').map((v) => [v.name, v] as const))('%s ends in a clean verdict either way', async (_, variant) => {
    const { token } = await mint(runtime, variant.recipe);
    const result = await verdict(runtime, token);
    if (!result.accepted) expect(REJECT_REASONS).toContain(result.reason);
  });
});
