import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { kidFlood } from './reference-support/kid-flood.ts';

/**
 * CI-sized version of `node scripts/kid-flood.ts` (docs/reliability.md §3, catalogue C10/H07): a flood of tokens with
 * unknown kids costs the IdP at most one JWKS fetch per cooldown (default 300 s), counted with the mock
 * IdP's own request log. Simulated time (an injected clock), so the count is exact and nothing sleeps.
 * (Test-only import of the mock: the gateway itself never imports mock-idp.)
 */
let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(async () => {
  await idp?.close();
});

describe('unknown-kid flood against the reference pipeline (RFC 8725 §3.10, catalogue C10)', () => {
  it('1,000 unknown kids at one instant cause no JWKS fetch beyond the start-up one', async () => {
    const t = idp.tenant('contoso');
    idp.control.requests.clear();
    const result = await kidFlood({ issuer: t.issuer, discoveryUrl: t.discoveryUrl, audience: 'api://orders', kids: 1000, spreadSeconds: 0 });
    expect(result.verdicts).toEqual({ key_not_found: 1000 });
    expect(idp.control.requests.count({ tenant: 'contoso', endpoint: 'jwks' })).toBe(1);
  });

  it('1,000 unknown kids spread over 30 simulated minutes cause at most one JWKS fetch per 300 s cooldown', async () => {
    const t = idp.tenant('contoso');
    idp.control.requests.clear();
    const result = await kidFlood({ issuer: t.issuer, discoveryUrl: t.discoveryUrl, audience: 'api://orders', kids: 1000, spreadSeconds: 1800 });
    expect(result.verdicts).toEqual({ key_not_found: 1000 });
    const fetches = idp.control.requests.count({ tenant: 'contoso', endpoint: 'jwks' });
    expect(result.allowedFetches).toBe(7);
    expect(fetches).toBeLessThanOrEqual(result.allowedFetches);
    // The cooldown does let refreshes through (a rotated-in key must still be found): not zero beyond start-up.
    expect(fetches).toBeGreaterThan(1);
    expect(idp.control.requests.count({ tenant: 'contoso', endpoint: 'discovery' })).toBe(fetches);
  });
});
