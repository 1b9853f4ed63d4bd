import type { ProfileRoute, TargetProfile } from '../../../gateway-under-test/index.ts';
import { allowsMethod } from '../allows-method.ts';

/**
 * The contract route a request lands on: the first route, in profile order, whose pattern covers the
 * path (`path*` is a prefix, anything else exact, the query ignored) and whose methods cover the method
 * (HEAD rides on GET). Undefined when no route covers it.
 */
export function routeFor(profile: TargetProfile, method: string, path: string): ProfileRoute | undefined {
  const bare = path.split('?')[0];
  const m = method.toUpperCase();
  return profile.routes.find((r) => {
    if (!allowsMethod(r, m) && !(m === 'HEAD' && allowsMethod(r, 'GET'))) return false;
    return r.path.endsWith('*') ? bare.startsWith(r.path.slice(0, -1)) : bare === r.path;
  });
}
