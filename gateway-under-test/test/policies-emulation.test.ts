import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { VARIANTS, type TokenRecipe } from '../../mock-idp/index.ts';
import { DEMO_AUDIENCE, emulatePolicy, type ReferenceGateway } from '../index.ts';
import { policyRig } from './reference-support/policy-rig.ts';

/**
 * Policies emulated on the reference gateway, against the mock IdP standing in for Entra: the attacks
 * a policy as written lets through are shown by requests, not asserted from the config.
 */

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');
const rig = policyRig();


async function serve(fixtureOrXml: string): Promise<ReferenceGateway> {
  const xml = fixtureOrXml.startsWith('<') ? fixtureOrXml : readFileSync(join(FIXTURES, fixtureOrXml), 'utf8');
  const { config } = await emulatePolicy(xml, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0 });
  const g = await rig.serve(config);
  return g;
}

async function send(g: ReferenceGateway, recipe: TokenRecipe, headers: Record<string, string> = {}) {
  const { token } = await rig.idp.mint({ tenant: 'contoso', ...recipe });
  const before = rig.upstream.seen.length;
  const res = await request(`${g.url}/api/orders`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  await res.body.dump();
  return { status: res.statusCode, reason: res.headers['x-gatecheck-reason'], reached: rig.upstream.seen.slice(before) };
}

/** Where APIM's documented semantics differ from the forge's VARIANT_TARGET (RS256 only, 403 for roles). */
const APIM_ACCEPTS = new Set(['ps256-same-key', 'rs512-same-key']); // documented APIM algorithms: RS256, RS512, PS256, ES256
const ROLE_FAILURES = new Set(['missing-roles', 'wrong-role', 'role-wrong-case']); // required-claims fail with failed-validation-httpcode

describe('the minimal validate-jwt policy (openid-config, audience, required roles), emulated', () => {
  let g: ReferenceGateway;
  beforeAll(async () => {
    g = await serve('apim/minimal-validate-jwt.xml');
  });

  for (const variant of VARIANTS.filter((v) => v.level === 'must')) {
    const accept = variant.expect === 'accept' || APIM_ACCEPTS.has(variant.name);
    it(`${accept ? 'accepts' : 'rejects'} ${variant.name}: ${variant.description}`, async () => {
      const r = await send(g, variant.recipe);
      if (accept) {
        expect(r.status, String(r.reason)).toBe(200);
        expect(r.reached).toHaveLength(1);
      } else {
        expect([400, 401, 431], String(r.reason)).toContain(r.status);
        expect(r.reached).toHaveLength(0);
        if (ROLE_FAILURES.has(variant.name)) expect(r.status).toBe(401);
      }
    });
  }

  it('requires exp and allows no clock skew (APIM defaults), and ignores a future iat', async () => {
    expect((await send(g, { omitClaims: ['exp'] })).status).toBe(401);
    expect((await send(g, { claims: { exp: { in: '-5s' } } })).status).toBe(401);
    expect((await send(g, { claims: { iat: { in: '+10m' } } })).status).toBe(200);
  });

  it('forwards the caller\'s Authorization to the backend (no set-header delete), and accepts the token without the Bearer scheme', async () => {
    const r = await send(g, {});
    expect(r.reached[0].headers.authorization).toMatch(/^Bearer /);
    const { token } = await rig.idp.mint({ tenant: 'contoso' });
    const bare = await request(`${g.url}/x`, { headers: { authorization: token } });
    await bare.body.dump();
    expect(bare.statusCode).toBe(200);
  });
});

describe('what a policy as written lets through', () => {
  it('without <audiences>: accepts a token minted for another API', async () => {
    const other: TokenRecipe = { claims: { aud: 'api://other-api' } };
    const open = await serve('apim/bad-no-audiences.xml');
    const r = await send(open, other);
    expect(r.status).toBe(200);
    expect(r.reached).toHaveLength(1);
    const closed = await serve('apim/minimal-validate-jwt.xml');
    expect((await send(closed, other)).status).toBe(401);
  });

  it('multi-tenant openid-config without <issuers>: accepts a fabrikam token; listing contoso in <issuers> refuses it', async () => {
    const fabrikam: TokenRecipe = { tenant: 'fabrikam', claims: { aud: DEMO_AUDIENCE } };
    const open = await serve('apim/bad-multi-tenant-no-issuers.xml');
    const r = await send(open, fabrikam);
    expect(r.status, String(r.reason)).toBe(200);
    expect(r.reached[0].headers['x-tenant-id']).toBe(rig.idp.tenant('fabrikam').id);
    const xml = readFileSync(join(FIXTURES, 'apim/bad-multi-tenant-no-issuers.xml'), 'utf8').replace(
      '</audiences>',
      `</audiences><issuers><issuer>https://login.microsoftonline.com/${rig.idp.tenant('contoso').id}/v2.0</issuer></issuers>`,
    );
    const restricted = await serve(xml);
    expect((await send(restricted, fabrikam)).status).toBe(401);
    expect((await send(restricted, {})).status).toBe(200);
  });

  it('failed-validation-httpcode replaces 401 for every missing or invalid token', async () => {
    const xml = readFileSync(join(FIXTURES, 'apim/minimal-validate-jwt.xml'), 'utf8').replace('failed-validation-httpcode="401"', 'failed-validation-httpcode="403"');
    const g = await serve(xml);
    expect((await send(g, { claims: { exp: { in: '-10m' } } })).status).toBe(403);
    expect((await send(g, {})).status).toBe(200);
  });

  it('the hardened policy deletes Authorization and keys its rate limit on the validated subject', async () => {
    const g = await serve('apim/good-hardened.xml');
    const r = await send(g, {}, { 'x-user-id': 'spoofed' });
    expect(r.status).toBe(200);
    expect(r.reached[0].headers.authorization).toBeUndefined();
    expect(r.reached[0].headers['x-user-id']).not.toBe('spoofed');
  });

  it('validate-azure-ad-token: only the listed client application gets through', async () => {
    const g = await serve('apim/ms-validate-azure-ad-token.xml');
    expect((await send(g, {})).status).toBe(200);
    expect((await send(g, { claims: { azp: '00000000-0000-4000-8000-000000000000' } })).status).toBe(401);
  });
});

describe('Apigee VerifyJWT, emulated', () => {
  let g: ReferenceGateway;
  beforeAll(async () => {
    g = await serve('apigee/good-verify-jwt.xml');
  });

  it('accepts a valid token and one without exp (exp is optional in Apigee)', async () => {
    expect((await send(g, {})).status).toBe(200);
    expect((await send(g, { omitClaims: ['exp'] })).status).toBe(200);
  });

  it('rejects a future iat beyond TimeAllowance, a wrong audience and a wrong issuer, all with 401', async () => {
    expect((await send(g, { claims: { iat: { in: '+10m' } } })).status).toBe(401);
    expect((await send(g, { claims: { iat: { in: '+30s' } } })).status).toBe(200);
    expect((await send(g, { claims: { aud: 'api://other-api' } })).status).toBe(401);
    expect((await send(g, { claims: { iss: 'https://login.evil.example/attacker/v2.0' } })).status).toBe(401);
  });

  it('without <Audience>: accepts a token minted for another API', async () => {
    const open = await serve('apigee/bad-no-audience.xml');
    expect((await send(open, { claims: { aud: 'api://other-api' } })).status).toBe(200);
  });
});
