import { requirementHolds, type ProfileRoute, type TargetProfile } from '../../gateway-under-test/index.ts';
import { allowsMethod } from './allows-method.ts';
import { routePath } from './build-request.ts';
import { routeFor } from './contract/route-for.ts';
import { rulesFor } from './contract/rules-for.ts';
import type { Skip } from './define-case.ts';

/** A route of the contract and a concrete path under it that the contract routes to it. */
export interface RoutePick {
  route: ProfileRoute;
  path: string;
}

/**
 * The anonymous GET route a path-confusion case climbs out of: a prefix route if the contract has one
 * (whatever follows its path is forwarded unauthenticated, the widest door), else an exact one. The
 * root is no start: there is nothing to climb out of.
 */
export function anonymousStart(profile: TargetProfile): RoutePick | Skip {
  const open = profile.routes.filter((r) => r.auth === 'anonymous' && !r.product && allowsMethod(r, 'GET') && routePath(r.path).split('/').some(Boolean));
  const route = open.find((r) => r.path.endsWith('*')) ?? open[0];
  if (!route) return { skip: 'the contract has no anonymous GET route below the root to start from' };
  return { route, path: routePath(route.path).replace(/\/$/, '') };
}

/** The protected GET route a request without a valid token must never reach (the one cases use by default). */
export function protectedTarget(profile: TargetProfile): RoutePick | Skip {
  for (const route of profile.routes) {
    if (route.auth !== 'required' || route.product || route.rateLimit || !allowsMethod(route, 'GET')) continue;
    const path = routePath(route.path);
    if (routeFor(profile, 'GET', path) === route && path.split('/').some(Boolean)) return { route, path };
  }
  return { skip: 'the contract has no protected GET route below the root' };
}

/**
 * Two protected GET routes where a token the first accepts (its baseline: the values its requirement
 * names) does not meet the second's requirement. The first is a prefix route, so whatever follows its
 * path is authorised by its requirement alone.
 */
export function routesWithDifferentRequirements(profile: TargetProfile): { from: RoutePick; to: RoutePick } | Skip {
  const candidates = profile.routes.filter((r) => r.auth === 'required' && !r.product && !r.rateLimit && allowsMethod(r, 'GET') && routeFor(profile, 'GET', routePath(r.path)) === r);
  for (const from of candidates.filter((r) => r.path.endsWith('*'))) {
    const granted = (from.require?.values ?? []).slice(0, from.require?.match === 'all' ? undefined : 1);
    const holder = { roles: granted, scp: granted.join(' '), groups: granted };
    for (const to of candidates) {
      if (to === from || !to.require) continue;
      const toPath = routePath(to.path);
      if (routeFor(profile, 'GET', toPath) === from) continue;
      if (rulesFor(profile, to).every((rule) => requirementHolds(rule, holder))) continue;
      return { from: { route: from, path: routePath(from.path).replace(/\/$/, '') }, to: { route: to, path: toPath } };
    }
  }
  return { skip: 'the contract has no two protected GET routes where a token for one does not meet the other' };
}

/**
 * `from`, then one `dots` + `slash` per segment of `from` (enough to climb back to the root), then `to`
 * without its leading slash: `climb('/health', '/api/orders', '..', '%2f')` is `/health/..%2fapi/orders`.
 */
export function climb(from: string, to: string, dots: string, slash: string): string {
  const depth = from.split('/').filter(Boolean).length;
  return `${from}/${`${dots}${slash}`.repeat(depth)}${to.replace(/^\//, '')}`;
}

/**
 * A method whose route on `path` demands more than a token holding only `granted` meets, else one no
 * route allows there at all: what a method override turns an authorised request into.
 */
export function methodBeyond(profile: TargetProfile, path: string, granted: string[]): string | undefined {
  const holder = { roles: granted, scp: granted.join(' '), groups: granted };
  const methods = ['POST', 'PUT', 'PATCH', 'DELETE'];
  for (const method of methods) {
    const route = routeFor(profile, method, path);
    if (route?.auth === 'required' && !rulesFor(profile, route).every((rule) => requirementHolds(rule, holder))) return method;
  }
  return methods.find((method) => !routeFor(profile, method, path));
}

/** The values a route's baseline token holds to meet its requirement (the first for `any`, all for `all`). */
export function grantedBy(route: ProfileRoute): string[] {
  return (route.require?.values ?? []).slice(0, route.require?.match === 'all' ? undefined : 1);
}
