import type { ProfileRoute } from '../../gateway-under-test/index.ts';
import type { MintResult, TokenRecipe } from '../../mock-idp/index.ts';
import { allowsMethod } from './allows-method.ts';
import { REQUEST_ID_HEADER, routePath } from './build-request.ts';
import { ownBudget, withOwnBudget } from './contract/own-budget.ts';
import type { RequestSpec } from './define-case.ts';
import { HarnessError } from './harness-error.ts';
import { observe } from './observe.ts';
import type { CaseContext } from './run-case.ts';
import type { CaseResult, Observation } from './run-report.ts';

/**
 * Before the cases, one token the contract accepts is sent to each protected route (the README's
 * paragraph on the target's contract). A route that refuses it is a MUST failure of the target, reported as a case
 * `baseline/<method>-<path>` with the reason when one can be found (audience form, token version,
 * issuer, token location, the claim rule), and the run goes on: a target that refuses genuine tokens may
 * still accept forged ones, and that is the finding that matters. Only what leaves no verdict meaningful
 * is a harness error: the IdP cannot mint, or an accepted request does not reach the echo upstream
 * with its request id (every "upstream untouched" would then be vacuous).
 */
export async function proveBaselines(ctx: CaseContext): Promise<CaseResult[]> {
  const failures: CaseResult[] = [];
  const seen = new Set<string>();
  for (const route of ctx.target.profile.routes) {
    // A route behind a subscription key (APIM product) needs a key the harness cannot present.
    if (route.auth !== 'required' || route.product) continue;
    const method = allowsMethod(route, 'GET') ? 'GET' : route.methods[0] === '*' ? 'GET' : route.methods[0];
    const path = routePath(route.path);
    if (seen.has(`${method} ${path}`)) continue;
    seen.add(`${method} ${path}`);
    const failure = await proveRoute(ctx, route, method, path);
    if (failure) failures.push(failure);
  }
  return failures;
}

async function proveRoute(ctx: CaseContext, route: ProfileRoute, method: string, path: string): Promise<CaseResult | undefined> {
  const started = performance.now();
  const { tokenProfile, baseline } = await ctx.baselines.defaultBaseline(route);
  // A caller of its own on a rate-limited route, so proving the baseline spends no case's budget.
  const budget = ownBudget(ctx.target.profile, route, `${ctx.runId}-baseline-${method}-${path}`.replace(/\W+/g, '-'));
  const recipe = await ctx.baselines.recipeFor(route, budget ? withOwnBudget({}, budget) : {});
  const request: RequestSpec = { method, path, ...(budget?.from ? { from: budget.from } : {}) };
  const first = await attempt(ctx, recipe, request);
  const status = first.observation.response?.status;
  if (status !== undefined && status >= 200 && status < 300) {
    if (first.observation.upstream) return undefined;
    throw new HarnessError(
      'ERR_TARGET_PREFLIGHT',
      `a valid request to ${method} ${path} got ${status} but did not reach the echo upstream at ${ctx.target.upstream.url} with its ${REQUEST_ID_HEADER} header; configure the gateway to forward there and to pass that header`,
    );
  }

  const findings = [`the target refused a token its contract accepts on ${method} ${route.path}: ${answered(first.observation)}`];
  for (const problem of baseline.problems) findings.push(`the contract admits no ${tokenProfile} token the IdP issues: ${problem}`);
  findings.push(...(await diagnose(ctx, route, request, recipe, first.minted)));
  const slug = `${method.toLowerCase()}${path === '/' ? '-root' : path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
  return {
    id: `baseline/${slug}`,
    category: 'baseline',
    title: `a token the contract accepts on ${method} ${route.path} reaches the upstream`,
    level: 'must',
    references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 9068', section: '4' }],
    covers: [],
    verdict: 'fail',
    request,
    steps: [{ verdict: 'fail', expected: { outcome: 'accept', upstream: 'reached' }, observation: first.observation, findings }],
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Variants of the refused baseline, each one change away from it: the one the target accepts names
 * what its configuration expects and its contract does not say (or the IdP never issues).
 */
async function diagnose(ctx: CaseContext, route: ProfileRoute, request: RequestSpec, recipe: TokenRecipe, minted: MintResult): Promise<string[]> {
  const claims = minted.claims ?? {};
  const aud = String(claims.aud);
  const variants: { what: string; recipe: TokenRecipe; request?: RequestSpec }[] = [];
  if (recipe.profile === 'entra-v1-app') variants.push({ what: 'a v2 token (iss ending in /v2.0)', recipe: { ...recipe, profile: 'entra-v2-app' } });
  else variants.push({ what: 'a v1 token (the tenant\'s v1 issuer, aud the App ID URI)', recipe: { ...recipe, profile: 'entra-v1-app', api: aud } });
  variants.push({ what: 'a v1 token whose aud is the application id', recipe: { ...recipe, profile: 'entra-v1-app', api: aud, claims: { ...recipe.claims, aud } } });
  // Not a token Entra issues; accepted, it shows the audience form is the target's only objection.
  for (const wanted of ctx.target.profile.audiences.filter((a) => a !== aud).slice(0, 2)) {
    variants.push({ what: `aud ${JSON.stringify(wanted)} written into an otherwise identical token (the IdP never issues that form with this issuer)`, recipe: { ...recipe, claims: { ...recipe.claims, aud: wanted } } });
  }
  variants.push({ what: 'no kid in its header', recipe: { ...recipe, omitHeader: ['kid'] } });
  if (!ctx.target.profile.tokenLocations.includes('query')) variants.push({ what: 'the token in the access_token query parameter', recipe, request: { ...request, tokenIn: 'query' } });
  const out: string[] = [];
  for (const v of variants) {
    const tried = await attempt(ctx, v.recipe, v.request ?? request).catch(() => undefined);
    const status = tried?.observation.response?.status;
    if (tried && status !== undefined && status >= 200 && status < 300) {
      out.push(`diagnosis: the target accepts the same caller's token with ${v.what} (aud ${JSON.stringify(tried.minted.claims?.aud)}, iss ${JSON.stringify(tried.minted.claims?.iss)})`);
    }
  }
  if (out.length === 0) out.push(`diagnosis: none of ${variants.map((v) => v.what).join('; ')} is accepted either; check the issuer, key source and audience the gateway trusts against the contract (aud ${JSON.stringify(aud)}, iss ${JSON.stringify(claims.iss)})`);
  if (route.require) out.push(`the route's requirement: ${route.require.match} of ${route.require.values.join(', ')} in ${route.require.claims.join('/')}`);
  return out;
}

async function attempt(ctx: CaseContext, recipe: TokenRecipe, spec: RequestSpec): Promise<{ minted: MintResult; observation: Observation }> {
  let minted: MintResult;
  try {
    minted = await ctx.target.idp.mint(recipe);
  } catch (e) {
    throw new HarnessError('ERR_IDP_CONTROL', `cannot mint a baseline token through the mock IdP at ${ctx.target.idp.url}: ${(e as Error).message}`);
  }
  const observation = await observe(spec, minted, ctx);
  return { minted, observation };
}

function answered(obs: Observation): string {
  const status = obs.response?.status;
  if (status === undefined) return `no response (${obs.transportError ?? 'connection closed'})`;
  const reason = obs.response?.headers['x-gatecheck-reason'];
  return `status ${status}${reason ? ` (gateway reason: ${Array.isArray(reason) ? reason.join(', ') : reason})` : ''}`;
}
