import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseGatewayConfig, profileFromConfig, type GatewayConfigInput, type TargetProfile } from '../../gateway-under-test/index.ts';
import type { CaseDefinition, Expectation, Level, Skip, Step } from '../harness/define-case.ts';
import { createMockIdp, TokenRecipeSchema, type MockIdp, type TokenRecipe } from '../../mock-idp/index.ts';

/**
 * test262-style lint of the conformance cases: every file under suites/cases is one well-formed case,
 * its id is its path, its references, features and catalogue rows exist, its recipes parse (and mint),
 * and together the cases cover every row of the attack catalogue.
 */

const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CATEGORIES = ['transport', 'algorithm', 'keys', 'jwe', 'claims', 'forwarding', 'routing', 'http', 'rate-limit', 'idp-faults', 'entra'];
const LEVELS: readonly Level[] = ['must', 'should', 'profile', 'either'];
const OUTCOMES = ['reject', 'accept', 'either'];

interface CaseFile {
  file: string;
  /** Path under suites/cases without `.case.ts`, with `/` separators. */
  path: string;
  definition: CaseDefinition;
}

const catalogue = JSON.parse(readFileSync(join(FIXTURES, 'attack-catalogue.json'), 'utf8')) as { rows: { id: string; source: string }[] };
const features = JSON.parse(readFileSync(join(FIXTURES, 'features.json'), 'utf8')) as { features: Record<string, string> };
const catalogueIds = new Set(catalogue.rows.map((r) => r.id));

function listCaseFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .sort();
}

const ISSUER = 'http://127.0.0.1:9400/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/v2.0';
const CONTOSO = '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c';
const FABRIKAM = '3c9a1e2b-6d4f-4a8b-b1c2-8e7f6a5b4c3d';

/** The embedded default target: the reference gateway's demo config in front of the mock's contoso tenant. */
async function referenceProfile(): Promise<TargetProfile> {
  const config = await demoConfig({ idpUrl: 'http://127.0.0.1:9400', upstreamUrl: 'http://127.0.0.1:9401', issuer: ISSUER });
  return profileFromConfig(parseGatewayConfig(config), 'reference');
}

/** Every knob turned the other way, so each branch of a profile-dependent case is evaluated at least once. */
async function everythingProfile(): Promise<TargetProfile> {
  const base = await demoConfig({ idpUrl: 'http://127.0.0.1:9400', upstreamUrl: 'http://127.0.0.1:9401', issuer: ISSUER });
  const config: GatewayConfigInput = {
    ...base,
    issuers: [
      { issuer: 'http://127.0.0.1:9400/{tenantid}/v2.0', tenants: [CONTOSO, FABRIKAM], jwksUri: 'http://127.0.0.1:9400/{tenantid}/discovery/v2.0/keys', algorithms: ['RS256', 'PS256'] },
    ],
    token: {
      locations: { header: true, query: true, body: true },
      types: ['at+jwt'],
      requireType: true,
      requireExp: false,
      clockSkewSeconds: 300,
      rejectFutureIat: false,
      maxLifetimeSeconds: 86_400,
      kidAbsent: 'try-all',
      requiredClaims: ['sub', 'client_id', 'jti', 'iat'],
      rejectSenderConstrained: false,
    },
    claimHeaders: { userId: 'OIDC_CLAIM_oid', tenantId: 'OIDC_CLAIM_tid', clientId: 'OIDC_CLAIM_azp', roles: 'OIDC_CLAIM_roles', scopes: 'OIDC_CLAIM_scp' },
    rateLimits: { perCaller: { key: ['tid', 'sub'], limit: 5, windowSeconds: 10 } },
    routes: [
      { path: '/health', methods: ['GET'], auth: 'anonymous' },
      { path: '/api/orders*', methods: ['GET'], require: { values: ['Orders.Read'] }, rateLimit: 'perCaller', forwardAuthorization: true },
      { path: '/api/orders*', methods: ['POST'], require: { values: ['Orders.Write'] } },
    ],
    unauthenticatedLimit: { limit: 10, windowSeconds: 10 },
  };
  const profile = profileFromConfig(parseGatewayConfig(config), 'everything');
  profile.features.push('jwe', 'jti-replay-cache', 'forward-payload-header', 'idp-faults', 'key-rotation');
  return profile;
}

function evaluate<T>(value: T | ((p: TargetProfile) => T) | undefined, profile: TargetProfile): T | undefined {
  return typeof value === 'function' ? (value as (p: TargetProfile) => T)(profile) : value;
}

function isSkip(v: unknown): v is Skip {
  return typeof v === 'object' && v !== null && 'skip' in v;
}

/** The recipes a case sends against this profile (case token plus any step tokens). */
function recipesFor(c: CaseDefinition, profile: TargetProfile): TokenRecipe[] {
  const out: TokenRecipe[] = [];
  const token = evaluate(c.token, profile);
  if (token) out.push(token);
  const steps = evaluate(c.steps, profile);
  if (steps && !isSkip(steps)) for (const s of steps) if (s.token) out.push(s.token);
  return out;
}

function expectationsFor(c: CaseDefinition, profile: TargetProfile): Expectation[] {
  const steps = evaluate(c.steps, profile);
  if (steps && !isSkip(steps)) return steps.map((s: Step) => s.expect);
  const e = evaluate(c.expect, profile);
  return e && !isSkip(e) ? [e] : [];
}

/** The harness fills `{{run.i}}` and `{{run.nonce}}` before minting (suites/harness/run-case.ts); so does the lint. */
function fillRunTemplates(recipe: TokenRecipe): TokenRecipe {
  return JSON.parse(JSON.stringify(recipe).replaceAll('{{run.i}}', '0').replaceAll('{{run.nonce}}', 'lint')) as TokenRecipe;
}

let cases: CaseFile[] = [];
let profiles: TargetProfile[] = [];

beforeAll(async () => {
  const files = listCaseFiles(CASES_DIR);
  cases = await Promise.all(
    files.map(async (file) => {
      const mod = (await import(pathToFileURL(file).href)) as { default: CaseDefinition };
      const path = relative(CASES_DIR, file).split(sep).join('/').replace(/\.case\.ts$/, '');
      return { file, path, definition: mod.default };
    }),
  );
  profiles = [await referenceProfile(), await everythingProfile()];
});

describe('conformance cases (suites/cases)', () => {
  it('has at least 100 cases, one per *.case.ts file', () => {
    expect(listCaseFiles(CASES_DIR).filter((f) => !f.endsWith('.case.ts'))).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it('each file default-exports a case whose id equals its path', () => {
    const wrong = cases.filter((c) => c.definition?.id !== c.path).map((c) => `${c.path}: id ${c.definition?.id}`);
    expect(wrong).toEqual([]);
  });

  it('no two files share an id', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const c of cases) {
      const other = seen.get(c.definition.id);
      if (other) dupes.push(`${c.definition.id}: ${other} and ${c.file}`);
      seen.set(c.definition.id, c.file);
    }
    expect(dupes).toEqual([]);
  });

  it('each id is <category>/<kebab-slug> with a known category', () => {
    const wrong = cases
      .filter((c) => !/^[a-z0-9-]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/.test(c.definition.id) || !CATEGORIES.includes(c.definition.id.split('/')[0]))
      .map((c) => c.definition.id);
    expect(wrong).toEqual([]);
  });

  it('each case has a title, a valid level and at least one reference with a doc', () => {
    const wrong: string[] = [];
    for (const { definition: c } of cases) {
      if (typeof c.title !== 'string' || c.title.trim().length < 10) wrong.push(`${c.id}: title`);
      if (!LEVELS.includes(c.level)) wrong.push(`${c.id}: level ${String(c.level)}`);
      if (!Array.isArray(c.references) || c.references.length === 0) wrong.push(`${c.id}: no references`);
      else for (const r of c.references) if (typeof r.doc !== 'string' || r.doc.trim() === '') wrong.push(`${c.id}: reference without doc`);
    }
    expect(wrong).toEqual([]);
  });

  it('each case names only features registered in fixtures/features.json', () => {
    const wrong = cases.flatMap(({ definition: c }) => (c.features ?? []).filter((f) => !(f in features.features)).map((f) => `${c.id}: ${f}`));
    expect(wrong).toEqual([]);
  });

  it('the reference gateway declares only registered features', async () => {
    const unknown = (await referenceProfile()).features.filter((f) => !(f in features.features));
    expect(unknown).toEqual([]);
  });

  it('each case covers only rows that exist in fixtures/attack-catalogue.json', () => {
    const wrong = cases.flatMap(({ definition: c }) => {
      if (!Array.isArray(c.covers)) return [`${c.id}: covers missing`];
      return c.covers.filter((id) => !catalogueIds.has(id)).map((id) => `${c.id}: ${id}`);
    });
    expect(wrong).toEqual([]);
  });

  it('every catalogue row is covered by at least one case', () => {
    const covered = new Set(cases.flatMap((c) => c.definition.covers));
    expect(catalogue.rows.filter((r) => !covered.has(r.id)).map((r) => `${r.id} (${r.source})`)).toEqual([]);
  });

  it('the catalogue holds all 100 research rows (source "research", see its $comment)', () => {
    expect(catalogue.rows.filter((r) => r.source === 'research').length).toBe(100);
  });

  it('each case sends something: an expectation or steps, never both', () => {
    const wrong = cases
      .filter(({ definition: c }) => (c.expect === undefined) === (c.steps === undefined))
      .map((c) => c.definition.id);
    expect(wrong).toEqual([]);
  });

  it('every recipe parses with the TokenRecipe schema, against each profile', () => {
    const wrong: string[] = [];
    for (const profile of profiles) {
      for (const { definition: c } of cases) {
        for (const recipe of recipesFor(c, profile)) {
          const parsed = TokenRecipeSchema.safeParse(recipe);
          if (!parsed.success) wrong.push(`${c.id} (${profile.name}): ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every expectation is well-formed against each profile', () => {
    const wrong: string[] = [];
    for (const profile of profiles) {
      for (const { definition: c } of cases) {
        for (const e of expectationsFor(c, profile)) {
          if (!OUTCOMES.includes(e.outcome)) wrong.push(`${c.id} (${profile.name}): outcome ${String(e.outcome)}`);
          if (e.outcome === 'accept' && e.status !== undefined && [e.status].flat().some((s) => s >= 400)) wrong.push(`${c.id}: accept with an error status`);
          if (e.outcome === 'reject' && e.upstream === 'reached') wrong.push(`${c.id}: a refusal that reaches the upstream`);
          // A weaker grade names an RFC 8725 / RFC 9068 clause (README: "Verdicts") and lets the gateway choose.
          if (e.weaker && e.outcome !== 'either') wrong.push(`${c.id} (${profile.name}): weaker with outcome ${e.outcome}, expected either`);
          if (e.weaker && !/^RFC (8725|9068) §\d+(\.\d+)*: \S/.test(e.weaker.clause)) wrong.push(`${c.id}: weaker clause "${e.weaker.clause}" does not name RFC 8725 or 9068, a section and the requirement`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('must cases are absolute: no either outcome at the top level', () => {
    const wrong = cases
      .filter(({ definition: c }) => c.level === 'must' && typeof c.expect === 'object' && !isSkip(c.expect) && c.expect.outcome === 'either' && !c.expect.upstreamHeaders && !c.expect.guard)
      .map((c) => c.definition.id);
    expect(wrong).toEqual([]);
  });
});

describe('conformance case recipes mint', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await createMockIdp({ port: 0 });
    return () => idp.close();
  });

  it('every recipe of every case mints a token with the mock IdP, against each profile', async () => {
    const wrong: string[] = [];
    for (const profile of profiles) {
      for (const { definition: c } of cases) {
        // Recipes that name a key state only a rotation creates (`previous`) are minted after one, on a mock of their own.
        const rotates = JSON.stringify([c.setup, evaluate(c.steps, profile)]).includes('"rotate-keys"');
        const forge = rotates ? await createMockIdp({ port: 0 }) : idp;
        if (rotates) for (const t of forge.tenants) await forge.keys(t.name).rotate();
        for (const recipe of recipesFor(c, profile)) {
          try {
            const { token } = await forge.mint(fillRunTemplates(recipe));
            if (typeof token !== 'string' || token.length === 0) wrong.push(`${c.id}: empty token`);
          } catch (err) {
            wrong.push(`${c.id} (${profile.name}): ${(err as Error).message}`);
          }
        }
        if (rotates) await forge.close();
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});

/**
 * Values the demo contract provides (its roles and scopes, audiences, the clients it serves, its routes).
 * A case that writes one into a token, a request or an expectation is judged against the demo's
 * assumptions instead of the target's contract: it must ask the contract (`probedRequirement`,
 * `valueOutside`, `routeFor`, the route's baseline token, `{claims.NAME}` in expectations). Titles
 * and comments may name them as examples.
 */
describe('no case hard-codes what the target contract provides', () => {
  it('roles, scopes, audiences, client ids and routes of the demo contract appear only in titles and comments', async () => {
    const demo = await demoConfig({ idpUrl: 'http://127.0.0.1:1', upstreamUrl: 'http://127.0.0.1:2', issuer: ISSUER });
    const { parse } = await import('yaml');
    const tenant = parse(readFileSync(join(FIXTURES, 'tenants/contoso.yaml'), 'utf8')) as {
      apis: { name: string; appId: string; appIdUri: string }[];
      clients: { name: string; clientId: string; appRoles?: Record<string, string[]>; delegatedPermissions?: Record<string, string[]> }[];
    };
    const api = tenant.apis.find((a) => demo.audiences!.includes(a.appId))!;
    const served = tenant.clients.filter((c) => c.appRoles?.[api.name]?.length || c.delegatedPermissions?.[api.name]?.length);
    const literals = [
      ...new Set([
        ...demo.routes!.flatMap((r) => r.require?.values ?? []),
        ...demo.audiences!,
        api.appIdUri,
        ...served.flatMap((c) => [c.name, c.clientId]),
        ...demo.routes!.map((r) => r.path.replace(/\*$/, '')),
      ]),
    ];
    const code = (text: string) =>
      text
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .filter((line) => !/^\s*title:/.test(line))
        .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
        .join('\n');
    const found: string[] = [];
    for (const file of listCaseFiles(CASES_DIR)) {
      const text = code(readFileSync(file, 'utf8'));
      for (const literal of literals) {
        // A literal counts where it stands alone or is the start of a longer name (Orders.ReadAll), not inside another word.
        const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`(^|[^A-Za-z0-9_.-])${escaped}`).test(text)) found.push(`${relative(CASES_DIR, file).split(sep).join('/')}: ${literal}`);
      }
    }
    expect(literals.length).toBeGreaterThanOrEqual(8);
    expect(found).toEqual([]);
  });
});
