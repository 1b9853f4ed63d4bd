import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetProfileSchema, type TargetProfile, type TargetProfileInput } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp, type TokenRecipe } from '../../mock-idp/index.ts';
import { BaselineBook } from '../harness/contract/baseline-book.ts';
import { overlayRecipe } from '../harness/contract/overlay-recipe.ts';
import { ownBudget, withOwnBudget } from '../harness/contract/own-budget.ts';
import { holding, probedRequirement } from '../harness/contract/probed-requirement.ts';
import { routeFor } from '../harness/contract/route-for.ts';
import { valueOutside } from '../harness/contract/value-outside.ts';

/**
 * The target contract drives every token and expectation (README: "Every verdict is computed from the target's contract"): baselines
 * are tokens the mock really issues, changed only where a contract demands, and what cannot be met is
 * said, not forged. Run against a real mock IdP in process.
 */
let idp: MockIdp;
const GUID = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';
const mint = (recipe: TokenRecipe) => idp.mint({ tenant: 'contoso', ...recipe });

function contract(over: Partial<TargetProfileInput> = {}): TargetProfile {
  const issuer = idp.tenant('contoso').issuer;
  return targetProfileSchema.parse({
    name: 'contract-test',
    issuers: [{ issuer, audiences: over.audiences ?? [GUID] }],
    audiences: [GUID],
    routes: [
      { path: '/health', methods: ['GET'], auth: 'anonymous' },
      { path: '/api/orders*', methods: ['GET'], require: { values: ['Orders.Read'] } },
      { path: '/api/orders*', methods: ['POST'], require: { values: ['Orders.Write'] } },
    ],
    ...over,
  });
}

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp?.close());

describe('baselines: a token the contract accepts, as the IdP would issue it', () => {
  it('is the mock default, unchanged, where the default already fits the contract', async () => {
    const p = contract();
    const book = new BaselineBook(p, mint);
    expect(await book.recipeFor(routeFor(p, 'GET', '/api/orders'), {})).toEqual({});
  });

  it('holds the role a route requires when the default token lacks it', async () => {
    const p = contract();
    const book = new BaselineBook(p, mint);
    const recipe = await book.recipeFor(routeFor(p, 'POST', '/api/orders'), {});
    const token = await mint(recipe);
    expect(token.claims?.roles).toContain('Orders.Write');
  });

  it('names an App ID URI audience behind a v2 issuer as a problem instead of forging it (RFC 9068 §4)', async () => {
    const p = contract({ audiences: ['api://orders-api'] });
    const book = new BaselineBook(p, mint);
    const { tokenProfile, baseline } = await book.defaultBaseline(routeFor(p, 'GET', '/api/orders'));
    expect(tokenProfile).toBe('entra-v2-app');
    expect(baseline.problems.join(' ')).toMatch(/audience form: .*api:\/\/orders-api.*application id GUID/);
    expect(baseline.recipe.claims?.aud).toBeUndefined();
  });

  it('adds a claim the contract requires, a jti of its own for every token so no replay cache sees a replay', async () => {
    const p = contract({ token: { requiredClaims: ['jti'] } });
    const book = new BaselineBook(p, mint);
    const route = routeFor(p, 'GET', '/api/orders');
    const [a, b] = await Promise.all([book.recipeFor(route, {}), book.recipeFor(route, {})]);
    expect(typeof a.claims?.jti).toBe('string');
    expect(a.claims?.jti).not.toBe(b.claims?.jti);
    expect((await mint(a)).claims?.jti).toBe(a.claims?.jti);
  });

  it('sets a token-wide claim rule (an azp allow-list) on every token profile, a user token included', async () => {
    const p = contract({ token: { claimValues: [{ values: ['0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e'], claims: ['azp'], match: 'all', separator: ' ' }] } });
    const book = new BaselineBook(p, mint);
    const token = await mint(await book.recipeFor(routeFor(p, 'GET', '/api/orders'), { profile: 'entra-v2-user' }));
    expect(token.claims?.azp).toBe('0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e');
  });
});

describe('a case recipe laid over the baseline', () => {
  it('keeps every field the case sets, and reads {{claims.NAME}} as the baseline value', () => {
    const laid = overlayRecipe({ claims: { aud: 'api://orders-api', roles: ['Orders.Read'] } }, { claims: { aud: ['x', '{{claims.aud}}'], roles: ['Other'] } });
    expect(laid.claims).toEqual({ aud: ['x', 'api://orders-api'], roles: ['Other'] });
  });

  it('leaves the audience to a case that names its API, and the caller to a case that names its client', () => {
    expect(overlayRecipe({ api: GUID, claims: { aud: GUID } }, { api: 'legacy-api' })).toEqual({ api: 'legacy-api' });
    expect(overlayRecipe({ claims: { azp: 'x', roles: ['R'] } }, { client: 'no-roles-daemon' })).toEqual({ client: 'no-roles-daemon', claims: { roles: ['R'] } });
  });
});

describe('values drawn from the contract', () => {
  it('a role outside the accepted set is one another route accepts, compared without letter case', () => {
    const p = contract();
    expect(valueOutside(p, { values: ['Orders.Read'] })).toBe('Orders.Write');
    expect(valueOutside(p, { values: ['orders.read', 'ORDERS.WRITE'] })).toBe('Gatecheck.NotGranted');
  });

  it('a role case probes the route requirement and skips, naming why, where the contract requires none', () => {
    const probe = probedRequirement(contract());
    expect('skip' in probe ? probe.skip : holding(probe, 'X')).toEqual({ roles: ['X'], scp: 'X' });
    const open = probedRequirement(contract({ routes: [{ path: '/*', methods: ['*'], auth: 'required', forwardAuthorization: false }] }));
    expect(open).toEqual({ skip: expect.stringMatching(/requires no roles or scp value on GET \/\*/) });
  });
});

describe('rate-limit budgets', () => {
  it('gives each case its own identity claims and, for an address-keyed limit, its own source address', () => {
    const p = contract({
      routes: [{ path: '/*', methods: ['*'], auth: 'required', forwardAuthorization: false, rateLimit: 'per-ip' }],
      rateLimits: { 'per-ip': { key: ['client_ip', 'sub', 'tid'], limit: 10, windowSeconds: 60 } },
    });
    const budget = ownBudget(p, p.routes[0], 'case-a')!;
    expect(budget).toEqual({ claims: { sub: 'gatecheck-case-a' }, from: '{{run.address.case-a}}' });
    expect(withOwnBudget({ claims: { sub: 'chosen' } }, budget)).toEqual({ claims: { sub: 'chosen' } });
  });

  it('leaves a claim the contract pins alone', () => {
    const p = contract({
      routes: [{ path: '/*', methods: ['*'], auth: 'required', forwardAuthorization: false, rateLimit: 'per-client' }],
      rateLimits: { 'per-client': { key: ['azp'], limit: 10, windowSeconds: 60 } },
      token: { claimValues: [{ values: ['0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e'], claims: ['azp'], match: 'all', separator: ' ' }] },
    });
    expect(ownBudget(p, p.routes[0], 'case-b')).toEqual({ claims: {} });
  });
});
