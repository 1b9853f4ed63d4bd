import type { ProfileRequirement, ProfileRoute, TargetProfile } from '../../../gateway-under-test/index.ts';
import { routePath } from '../build-request.ts';
import type { Expectation, Skip } from '../define-case.ts';
import { allowsMethod } from '../allows-method.ts';

export interface ProbedRequirement {
  route: ProfileRoute;
  /** A concrete path on the route. */
  path: string;
  method: string;
  requirement: ProfileRequirement;
  /** The claims of `requirement` this case may probe (a subset of `requirement.claims`). */
  claims: string[];
  /** How the contract refuses a token that misses it: 403 insufficient_scope for a route's rule, a token fault for a token-wide one. */
  refusal: Expectation;
}

/**
 * The claim requirement a case about roles or scopes probes: on the first protected route taking
 * `method` whose own rule reads one of `claims` (else the first such route, under a token-wide rule). A case
 * asks this instead of assuming "the route needs Orders.Read in roles or scp"; when the contract has no
 * such rule, the skip reason names what is missing.
 */
export function probedRequirement(profile: TargetProfile, { method = 'GET', claims = ['roles', 'scp'] }: { method?: string; claims?: string[] } = {}): ProbedRequirement | Skip {
  const reads = (rule: ProfileRequirement) => rule.claims.filter((c) => claims.includes(c));
  // Protected routes taking the method, rate-limited ones last (their budget belongs to the rate-limit cases).
  const candidates = profile.routes.filter((r) => r.auth === 'required' && allowsMethod(r, method)).sort((a, b) => Number(!!a.rateLimit) - Number(!!b.rateLimit));
  const route = candidates.find((r) => r.require && reads(r.require).length) ?? candidates[0];
  if (!route) return { skip: `the contract has no protected route taking ${method}` };
  const path = routePath(route.path);
  if (route.require && reads(route.require).length) {
    return { route, path, method, requirement: route.require, claims: reads(route.require), refusal: refusalFor(profile, 'route') };
  }
  const tokenWide = (profile.token.claimValues ?? []).find((rule) => reads(rule).length);
  if (tokenWide) return { route, path, method, requirement: tokenWide, claims: reads(tokenWide), refusal: refusalFor(profile, 'token') };
  return { skip: `the contract requires no ${claims.join(' or ')} value on ${method} ${route.path} (any caller its token checks admit is accepted)` };
}

/**
 * How the contract refuses a token that misses a claim rule: a route's rule with 403 insufficient_scope
 * (RFC 6750 §3.1); a token-wide rule (APIM required-claims) as a token fault (invalid_token), with the
 * target's failure status, 403 also taken.
 */
export function refusalFor(profile: TargetProfile, where: 'route' | 'token'): Expectation {
  if (where === 'route') return { outcome: 'reject', status: 403, wwwAuthenticate: { error: 'insufficient_scope', scope: true }, upstream: 'untouched' };
  return { outcome: 'reject', status: [profile.token.failureStatus ?? 401, 403], wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' };
}

/**
 * Claims holding exactly `values` in every claim the requirement reads: an array for roles and groups,
 * one string otherwise, joined by the rule's separator (a space when it has no printable one).
 */
export function holding(probe: Pick<ProbedRequirement, 'claims' | 'requirement'>, values: unknown | unknown[]): Record<string, unknown> {
  const list = Array.isArray(values) ? values : [values];
  const sep = /^[\x20-\x7e]+$/.test(probe.requirement.separator) ? probe.requirement.separator : ' ';
  const joined = list.length === 1 ? list[0] : list.join(sep);
  return Object.fromEntries(probe.claims.map((c) => [c, c === 'roles' || c === 'groups' ? list : joined]));
}

/** Recipe fields for a token whose only claims read by the requirement are the probed ones, holding `values`. */
export function onlyHolding(probe: Pick<ProbedRequirement, 'claims' | 'requirement'>, values: unknown | unknown[]): { claims: Record<string, unknown>; omitClaims?: string[] } {
  const others = probe.requirement.claims.filter((c) => !probe.claims.includes(c));
  return { claims: holding(probe, values), ...(others.length ? { omitClaims: others } : {}) };
}

/** The values a token needs to meet the requirement: all of them for `match: all`, else the first. */
export function grantedValues(probe: Pick<ProbedRequirement, 'requirement'>): string[] {
  return probe.requirement.match === 'all' ? probe.requirement.values : [probe.requirement.values[0]];
}

/** The roles a token needs on the default GET route, from the contract (empty when no rule reads roles). */
export function requiredRoles(profile: TargetProfile): string[] {
  const probe = probedRequirement(profile, { claims: ['roles'] });
  return 'skip' in probe ? [] : grantedValues(probe);
}
