import { basename } from 'node:path';
import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { MintResult, TokenRecipe } from '../../mock-idp/index.ts';
import { requestTarget } from './build-request.ts';
import type { BaselineBook } from './contract/baseline-book.ts';
import { ownBudget, withOwnBudget } from './contract/own-budget.ts';
import { isHarnessFeature } from './is-harness-feature.ts';
import { policyChecksOf } from './policy-checks-of.ts';
import { routeFor } from './contract/route-for.ts';
import type { CaseDefinition, Expectation, RequestSpec, Skip, Step } from './define-case.ts';
import { judge, type Judgement } from './judge.ts';
import { judgeGuard } from './judge-guard.ts';
import type { LoadedCase } from './load-cases.ts';
import { observe } from './observe.ts';
import type { CaseResult, Observation, StepResult, Verdict } from './run-report.ts';
import type { RunTarget } from './run-target.ts';
import type { SourceAddresses } from './source-addresses.ts';
import { VERDICT_RANK as RANK } from './verdict-rank.ts';

export interface CaseContext {
  target: RunTarget;
  /** Per request; IdP-fault cases may hold a gateway for a while, never the whole run. */
  requestTimeoutMs: number;
  /** Unique per run, so `{{run.nonce}}` identities never meet counters of an earlier run. */
  runId: string;
  /** Every token is its recipe laid over the baseline of the route it is sent to. */
  baselines: BaselineBook;
  /** Where requests leave from: 127.0.0.1, or a case's own address for limits keyed on it. */
  sources: SourceAddresses;
}

/**
 * Runs one case against the target: computes its steps from the profile (or a skip reason), applies
 * IdP actions, mints, sends, correlates what the echo upstream received, judges each request, and
 * always tears down. An exception anywhere is the harness's (or the case's) fault: verdict `error`.
 */
export async function runCase(loaded: LoadedCase, ctx: CaseContext): Promise<CaseResult> {
  const started = performance.now();
  const def = loaded.definition;
  const base = {
    id: loaded.id,
    category: loaded.category,
    title: def?.title ?? loaded.id,
    level: def?.level ?? 'must',
    references: def?.references ?? [],
    covers: def?.covers ?? [],
  } as const;
  const done = (rest: Partial<CaseResult> & Pick<CaseResult, 'verdict'>): CaseResult => ({
    ...base,
    steps: [],
    ...rest,
    durationMs: Math.round(performance.now() - started),
  });
  if (!def) return done({ verdict: 'error', errorMessage: loaded.loadError ?? 'not loaded' });

  const profile = ctx.target.profile;
  const missing = def.features.filter((f) => !profile.features.includes(f));
  if (missing.length) {
    // A harness feature is something this run provides (the mock's faults reaching the target), not a gateway capability.
    const run = missing.every(isHarnessFeature);
    return done({ verdict: 'skipped', skipCause: run ? 'run' : 'target', skipReason: run ? `this run cannot provide ${missing.join(', ')} for this target` : `the target lacks feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
  }
  const checks = policyChecksOf(def.covers);
  const unreproduced = (ctx.target.notEmulated ?? []).find((d) => d.checks.some((c) => checks.includes(c)));
  if (unreproduced) {
    return done({ verdict: 'skipped', skipCause: 'run', skipReason: `the policy emulation cannot reproduce what this case depends on: ${unreproduced.message} (${basename(unreproduced.file)}:${unreproduced.line})` });
  }

  let plan: PlannedStep[] | Skip;
  try {
    plan = planSteps(def, profile);
  } catch (e) {
    return done({ verdict: 'error', errorMessage: `computing the case from the profile failed: ${(e as Error).message}` });
  }
  if ('skip' in plan) return done({ verdict: 'skipped', skipReason: plan.skip, skipCause: plan.cause ?? 'target' });
  const request = plan[0]?.request;
  // A token version the contract trusts no issuer of (a v1-only API and a v2 token) cannot be expected accepted.
  for (const step of plan) {
    if (!step.token?.profile || step.expect.outcome !== 'accept') continue;
    const { method, path } = requestTarget(step.request ?? {}, profile);
    const { problems } = await ctx.baselines.baseline(routeFor(profile, method, path), step.token.profile);
    const issuer = problems.find((p) => p.startsWith('issuer:'));
    if (issuer) return done({ verdict: 'skipped', skipCause: 'target', skipReason: `the contract accepts no ${step.token.profile} token: ${issuer}` });
  }

  const steps: StepResult[] = [];
  const sentTokens: (MintResult | undefined)[] = [];
  let chose: 'accept' | 'reject' | undefined;
  let unmet: string | undefined;
  const stateful = isStateful(def, plan);
  try {
    for (const action of def.setup ?? []) await ctx.target.idp.apply(action);
    for (const [index, step] of plan.entries()) {
      for (const action of step.before ?? []) await ctx.target.idp.apply(action);
      const result = await runStep(step, index, sentTokens, loaded.id, ctx);
      steps.push(result.step);
      // What the gateway chose where the case let it choose, not on the steps around that one.
      if (step.expect.outcome === 'either' || def.level === 'either') chose ??= result.chose;
      unmet ??= result.inconclusive;
    }
  } catch (e) {
    return done({ verdict: 'error', errorMessage: (e as Error).message, request, steps, ...(await teardown(def, stateful, ctx)) });
  }
  const teardownError = await teardown(def, stateful, ctx);
  if (teardownError.errorMessage) return done({ verdict: 'error', request, steps, ...teardownError });
  const verdict = steps.reduce<Verdict>((worst, s) => (RANK[s.verdict] > RANK[worst] ? s.verdict : worst), 'pass');
  // A case that never met its fault proves nothing either way, unless the target already failed it.
  if (unmet && (verdict === 'pass' || verdict === 'non-strict')) {
    return done({ verdict: 'skipped', skipCause: 'target', skipReason: `inconclusive: ${unmet}; the contract's key-refresh policy (jwks) says it would`, request, steps });
  }
  const either = def.level === 'either' || plan.some((s) => s.expect.outcome === 'either');
  // A `weaker` case names the clause its contract relaxes (the first weaker step's; a case relaxes one).
  const weaker = verdict === 'weaker' ? steps.find((s) => s.verdict === 'weaker')?.expected.weaker : undefined;
  return done({ verdict, request, steps, ...(either && chose ? { chose } : {}), ...(weaker ? { weakerClause: weaker.clause, weakerReference: weaker.reference } : {}) });
}

interface PlannedStep extends Step {
  expect: Expectation;
}

/** The case's steps as concrete data for this profile, or why it does not apply. */
export function planSteps(def: CaseDefinition, profile: TargetProfile): PlannedStep[] | Skip {
  // No recipe means a genuine token of the default profile; "no credentials" is `tokenIn: 'none'`.
  const token = resolve(def.token, profile) ?? {};
  const request = resolve(def.request, profile);
  if (def.steps !== undefined) {
    const steps = resolve(def.steps, profile)!;
    if ('skip' in steps) return steps;
    return steps.map((s) => ({ ...s, token: s.token ?? token, request: s.request ?? request }));
  }
  const expect = resolve(def.expect, profile)!;
  if ('skip' in expect) return expect;
  return [{ token, request, expect }];
}

/** Cases that touch shared state run alone and are cleaned up after, whether or not they said so. */
export function isStateful(def: CaseDefinition, plan: PlannedStep[] | Skip): boolean {
  if (def.exclusive || def.setup?.length || def.teardown?.length) return true;
  if ('skip' in plan) return false;
  return plan.some((s) => s.before?.some((a) => a.action !== 'wait') || s.expect.idpRequests?.length);
}

function resolve<T>(value: T | ((p: TargetProfile) => T) | undefined, profile: TargetProfile): T | undefined {
  return typeof value === 'function' ? (value as (p: TargetProfile) => T)(profile) : value;
}

async function teardown(def: CaseDefinition, stateful: boolean, ctx: CaseContext): Promise<{ errorMessage?: string }> {
  try {
    for (const action of def.teardown ?? []) await ctx.target.idp.apply(action);
    if (stateful) await ctx.target.idp.reset();
    return {};
  } catch (e) {
    return { errorMessage: `teardown failed: ${(e as Error).message}` };
  }
}

interface Sample {
  judgement: Judgement;
  observation: Observation;
  expected: Expectation;
}

async function runStep(
  step: PlannedStep,
  index: number,
  sentTokens: (MintResult | undefined)[],
  caseId: string,
  ctx: CaseContext,
): Promise<{ step: StepResult; chose?: 'accept' | 'reject'; inconclusive?: string }> {
  const repeat = Math.max(1, step.repeat ?? 1);
  const bounds = step.expect.idpRequests ?? [];
  const before = await Promise.all(bounds.map((b) => ctx.target.idp.requestCount(b.endpoint)));

  const nonce = `${ctx.runId}-${caseId.replace(/\W+/g, '-')}`;
  const { method, path } = requestTarget(step.request ?? {}, ctx.target.profile);
  const route = routeFor(ctx.target.profile, method, path);
  // On a rate-limited route every case is a caller of its own, so no case spends another's budget.
  const budget = ownBudget(ctx.target.profile, route, nonce);
  const spec: RequestSpec = budget?.from && step.request?.from === undefined ? { ...step.request, from: budget.from } : (step.request ?? {});

  const one = async (i: number): Promise<Sample> => {
    let minted: MintResult | undefined;
    if (step.reuseToken !== undefined) {
      if (step.reuseToken >= index || !sentTokens[step.reuseToken]) throw new Error(`step ${index} reuses the token of step ${step.reuseToken}, which sent none`);
      minted = sentTokens[step.reuseToken];
    } else if (step.token) {
      const recipe = fillRunTemplates(step.token, { i: String(i), nonce });
      minted = await ctx.target.idp.mint(await ctx.baselines.recipeFor(route, budget ? withOwnBudget(recipe, budget) : recipe));
    }
    if (i === 0) sentTokens[index] = minted;
    return exchange(spec, step.expect, minted, ctx);
  };
  const samples: Sample[] = [];
  if (step.concurrent) samples.push(...(await Promise.all(Array.from({ length: repeat }, (_, i) => one(i)))));
  else for (let i = 0; i < repeat; i++) samples.push(await one(i));

  const findings: string[] = [];
  const inconclusive: string[] = [];
  let worst = samples[0];
  samples.forEach((s, i) => {
    if (RANK[s.judgement.verdict] > RANK[worst.judgement.verdict]) worst = s;
    for (const f of s.judgement.findings) findings.push(repeat > 1 ? `request ${i + 1}/${repeat}: ${f}` : f);
  });
  let verdict: Verdict = worst.judgement.verdict;

  if (bounds.length) {
    // Refetches the gateway starts right after answering still belong to this step.
    await new Promise((r) => setTimeout(r, 50));
    const after = await Promise.all(bounds.map((b) => ctx.target.idp.requestCount(b.endpoint)));
    bounds.forEach((b, k) => {
      const seen = after[k] - before[k];
      if (b.atMost !== undefined && seen > b.atMost) {
        findings.push(`the IdP served ${seen} ${b.endpoint} requests, at most ${b.atMost} allowed`);
        verdict = 'fail';
      } else if (b.atLeast !== undefined && seen < b.atLeast) {
        inconclusive.push(`the IdP served ${seen} ${b.endpoint} request${seen === 1 ? '' : 's'} during this step, so the target never met the fault (at least ${b.atLeast} needed)`);
      }
    });
  }
  const shown = findings.length > 12 ? [...findings.slice(0, 12), `… and ${findings.length - 12} more`] : findings;
  return {
    step: { verdict, expected: worst.expected, observation: worst.observation, findings: [...shown, ...inconclusive] },
    chose: samples[0].judgement.chose,
    ...(inconclusive.length ? { inconclusive: inconclusive.join('; ') } : {}),
  };
}

async function exchange(spec: RequestSpec, expect: Expectation, minted: MintResult | undefined, ctx: CaseContext): Promise<Sample> {
  const observation = await observe(spec, minted, ctx);
  const expected = concreteExpectation(expect, ctx.target.profile, minted);
  const judgement = judge(expected, observation);
  // Below the token: what reached the upstream fails the step whatever the gateway answered.
  const below = judgeGuard(expected, observation, ctx.target.profile, minted && sendsToken(spec) ? (minted.claims ?? {}) : null);
  if (below.length) return { judgement: { ...judgement, verdict: 'fail', findings: [...below, ...(judgement.verdict === 'fail' ? judgement.findings : [])] }, observation, expected };
  return { judgement, observation, expected };
}

/** Whether the request carries the minted token at all (a step has one minted even when it sends none). */
function sendsToken(spec: RequestSpec): boolean {
  if (spec.raw !== undefined) return spec.raw.includes('{token}');
  const tokenIn = spec.tokenIn ?? 'header';
  if (tokenIn === 'query' || tokenIn === 'body' || (tokenIn === 'header' && spec.authorization === undefined)) return true;
  return JSON.stringify([spec.authorization, spec.headers, spec.query, spec.body]).includes('{token}');
}

const CLAIM_HEADER_KEYS = ['userId', 'tenantId', 'clientId', 'roles', 'scopes'] as const;

/**
 * `@userId` → the profile's header name; `{claims.oid}` → the sent token's value (arrays comma-joined, as
 * the claims contract does); a whole value `{claims.scp?}` → that value, or absent (null) when the token
 * has no such claim, since a gateway has nothing to forward then.
 */
export function concreteExpectation(expect: Expectation, profile: TargetProfile, minted: MintResult | undefined): Expectation {
  if (!expect.upstreamHeaders) return expect;
  const headers: Record<string, string | RegExp | null> = {};
  for (const [key, value] of Object.entries(expect.upstreamHeaders)) {
    let name = key;
    if (key.startsWith('@')) {
      const which = key.slice(1) as (typeof CLAIM_HEADER_KEYS)[number];
      if (!CLAIM_HEADER_KEYS.includes(which)) throw new Error(`upstreamHeaders key ${key} is not one of ${CLAIM_HEADER_KEYS.map((k) => `@${k}`).join(', ')}`);
      name = profile.claimHeaders[which];
    }
    const optional = typeof value === 'string' ? /^\{claims\.([A-Za-z0-9_-]+)\?\}$/.exec(value) : null;
    if (optional) {
      const v = minted?.claims?.[optional[1]];
      headers[name.toLowerCase()] = v === undefined || v === null ? null : Array.isArray(v) ? v.join(',') : String(v);
      continue;
    }
    headers[name.toLowerCase()] =
      typeof value === 'string'
        ? value.replace(/\{(claims|header)\.([A-Za-z0-9_-]+)\}/g, (_, ns: string, member: string) => {
            const source = ns === 'claims' ? minted?.claims : minted?.header;
            const v = source?.[member];
            if (v === undefined) throw new Error(`upstreamHeaders refers to {${ns}.${member}}, which the sent token lacks`);
            return Array.isArray(v) ? v.join(',') : String(v);
          })
        : value;
  }
  return { ...expect, upstreamHeaders: headers };
}

/** `{{run.i}}` and `{{run.nonce}}` in any string of the recipe; other templates are the forge's. */
function fillRunTemplates(recipe: TokenRecipe, values: { i: string; nonce: string }): TokenRecipe {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('{{run.') ? v.replaceAll('{{run.i}}', values.i).replaceAll('{{run.nonce}}', values.nonce) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(recipe) as TokenRecipe;
}
