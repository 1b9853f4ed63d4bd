import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { TokenRecipe } from '../../mock-idp/index.ts';
import { allowsMethod } from './allows-method.ts';
import type { Skip } from './define-case.ts';

export interface RateLimitedRoute {
  /** A concrete path under the route's pattern. */
  path: string;
  limit: number;
  /** A recipe whose identity claims (the limit's key, tenant-wide keys left alone) are unique to `who` and this run. */
  as(who: string): TokenRecipe & { claims: Record<string, string> };
}

/**
 * The profile's protected GET route with a per-identity rate limit small enough to exhaust in a
 * conformance run, or why there is none. Rate-limit cases share it so they agree on what they count.
 */
export function rateLimitedRoute(profile: TargetProfile): RateLimitedRoute | Skip {
  const route = profile.routes.find((r) => r.rateLimit && r.auth === 'required' && allowsMethod(r, 'GET'));
  const limit = route?.rateLimit ? profile.rateLimits[route.rateLimit] : undefined;
  if (!route || !limit) return { skip: 'no protected GET route with a rate limit' };
  if (limit.limit > 200) return { skip: `a limit of ${limit.limit} is too high to exhaust in a conformance run` };
  const keyed = limit.key.filter((k) => k !== 'iss' && k !== 'tid');
  if (keyed.length === 0) return { skip: 'the limit is keyed on the tenant only' };
  return {
    path: route.path.replace(/\*$/, ''),
    limit: limit.limit,
    as: (who) => ({ claims: Object.fromEntries(keyed.map((k) => [k, `gatecheck-${who}-{{run.nonce}}`])) }),
  };
}
