import type { ProfileRoute, TargetProfile } from '../../../gateway-under-test/index.ts';
import type { TokenRecipe } from '../../../mock-idp/index.ts';
import { rulesFor } from './rules-for.ts';

/** Key parts a token can vary without leaving the contract: a caller's identity, not its issuer or tenant. */
const VARIABLE_CLAIMS = new Set(['sub', 'oid', 'azp', 'appid', 'client_id']);

/**
 * What makes a case's requests to a rate-limited route count against a budget of the case's own: the
 * limit's identity claims set to values unique to `who` (claims the contract constrains, like an azp
 * allow-list, and the tenant stay as they are), and a source address of its own when the limit is keyed
 * on the caller's address. Undefined when the route has no limit. Claims or an address the case set
 * itself are left alone: those are the rate-limit cases choosing their callers.
 */
export function ownBudget(profile: TargetProfile, route: ProfileRoute | undefined, who: string): { claims: Record<string, string>; from?: string } | undefined {
  const limit = route?.rateLimit ? profile.rateLimits[route.rateLimit] : undefined;
  if (!limit) return undefined;
  const constrained = new Set(rulesFor(profile, route).flatMap((r) => r.claims));
  const claims = Object.fromEntries(limit.key.filter((k) => VARIABLE_CLAIMS.has(k) && !constrained.has(k)).map((k) => [k, `gatecheck-${who}`]));
  return { claims, ...(limit.key.includes('client_ip') ? { from: `{{run.address.${who}}}` } : {}) };
}

/** The recipe with the budget's claims where the case set none of its own. */
export function withOwnBudget(recipe: TokenRecipe, budget: { claims: Record<string, string> }): TokenRecipe {
  const mine = Object.entries(budget.claims).filter(([k]) => recipe.claims?.[k] === undefined && !recipe.omitClaims?.includes(k));
  return mine.length ? { ...recipe, claims: { ...recipe.claims, ...Object.fromEntries(mine) } } : recipe;
}
