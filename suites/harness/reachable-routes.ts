import type { TargetProfile } from '../../gateway-under-test/index.ts';
import { allowsMethod } from './allows-method.ts';
import { routePath } from './build-request.ts';
import { routeFor } from './contract/route-for.ts';

type ProfileRoute = TargetProfile['routes'][number];

export interface ReachableRoute {
  route: ProfileRoute;
  /** A concrete path under the route's pattern (`/api/orders*` → `/api/orders`). */
  path: string;
  /** GET when the route takes it, else its first method. */
  method: string;
}

/**
 * Every route of the profile as one concrete request, in profile order: routes whose concrete path an
 * earlier route already takes for that method (first match wins) are left out, since a request there
 * would be judged by the other route's contract; so are routes behind a subscription key (`product`),
 * which a case cannot present. Cases that must hold "on every route" walk this list.
 */
export function reachableRoutes(profile: TargetProfile): ReachableRoute[] {
  const out: ReachableRoute[] = [];
  profile.routes.forEach((route) => {
    if (route.product) return;
    const method = allowsMethod(route, 'GET') ? 'GET' : (route.methods.find((m) => m !== '*') ?? 'GET');
    const path = routePath(route.path);
    const shadowed = routeFor(profile, method, path) !== route;
    if (shadowed || out.some((r) => r.path === path && r.method === method)) return;
    out.push({ route, path, method });
  });
  return out;
}
