import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { TokenRecipe } from '../../mock-idp/index.ts';
import { allowsMethod } from './allows-method.ts';
import { routePath } from './build-request.ts';
import { ownBudget } from './contract/own-budget.ts';
import type { RequestSpec, Skip } from './define-case.ts';

export interface RateLimitedRoute {
  /** A concrete path under the route's pattern. */
  path: string;
  limit: number;
  /** A caller named `who`, unique to this run: its token (the limit's identity claims) and its request (path, and source address for an address-keyed limit). */
  as(who: string): { token: TokenRecipe & { claims: Record<string, string> }; request: RequestSpec };
}

/**
 * The profile's protected GET route with a per-caller rate limit small enough to exhaust in a
 * conformance run, or why there is none. Rate-limit cases share it so they agree on what they count,
 * and each of their callers has a budget no other case and no earlier run has touched: identity claims
 * the contract does not pin, a loopback address of its own where the limit is keyed on the address.
 */
export function rateLimitedRoute(profile: TargetProfile): RateLimitedRoute | Skip {
  const route = profile.routes.find((r) => r.rateLimit && r.auth === 'required' && allowsMethod(r, 'GET'));
  const limit = route?.rateLimit ? profile.rateLimits[route.rateLimit] : undefined;
  if (!route || !limit) return { skip: 'the contract has no protected GET route with a rate limit' };
  if (limit.limit > 200) return { skip: `a limit of ${limit.limit} is too high to exhaust in a conformance run`, cause: 'run' };
  const sample = ownBudget(profile, route, 'sample')!;
  if (Object.keys(sample.claims).length === 0 && !sample.from) {
    return { skip: `the limit is keyed on ${limit.key.join(', ')}, which no caller can vary within the contract (the tenant, the issuer or a pinned client): no case can own a budget` };
  }
  const path = routePath(route.path);
  return {
    path,
    limit: limit.limit,
    as: (who) => {
      const budget = ownBudget(profile, route, `${who}-{{run.nonce}}`)!;
      return {
        token: { claims: budget.claims },
        // The address template is per case and caller; {{run.nonce}} already makes the claims run-unique.
        request: { path, ...(budget.from ? { from: `{{run.address.${who}}}` } : {}) },
      };
    },
  };
}
