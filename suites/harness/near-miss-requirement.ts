import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { Skip, Step } from './define-case.ts';
import { onlyHolding, refusalFor } from './contract/probed-requirement.ts';
import { reachableRoutes } from './reachable-routes.ts';

/**
 * For each route that demands a role (`roles`) or scope (`scp`), a token holding a near miss of the
 * demanded value instead of the value itself — `mutate` builds it from the contract (append `All`,
 * drop the last character, change the case…), never from a hard-coded name — with everything else the
 * route demands. A gateway that matches by substring, prefix or case-insensitively lets it through; the
 * contract refuses it as `refusalFor` says (403 for a route's rule, the failure status for a token-wide one).
 * Routes whose near miss is itself an accepted value are left out; no route left is a skip.
 */
export function nearMissRequirement(profile: TargetProfile, claim: 'roles' | 'scp', mutate: (value: string) => string): Step[] | Skip {
  const steps: Step[] = [];
  const why: string[] = [];
  for (const { route, path, method } of reachableRoutes(profile)) {
    if (route.auth !== 'required') continue;
    const tokenWide = (profile.token.claimValues ?? []).find((r) => r.claims.includes(claim));
    const rule = route.require?.claims.includes(claim) ? route.require : tokenWide;
    if (!rule || rule.values.length === 0) continue;
    const accepted = new Set([...rule.values, ...(route.require?.values ?? []), ...(tokenWide?.values ?? [])]);
    const [value, ...rest] = rule.values;
    const miss = mutate(value);
    if (miss === value || accepted.has(miss)) {
      why.push(`${method} ${route.path}: ${JSON.stringify(miss)} is itself accepted`);
      continue;
    }
    if (rule.separator && miss.includes(rule.separator)) {
      why.push(`${method} ${route.path}: ${JSON.stringify(miss)} contains the separator`);
      continue;
    }
    const held = rule.match === 'all' ? [miss, ...rest] : [miss];
    // The near miss in the one claim probed, the rule's other claims left out; the route's baseline supplies the rest.
    steps.push({
      token: { profile: claim === 'roles' ? 'entra-v2-app' : 'entra-v2-user', ...onlyHolding({ claims: [claim], requirement: rule }, held) },
      request: { method, path },
      expect: refusalFor(profile, rule === route.require ? 'route' : 'token'),
    });
  }
  if (steps.length) return steps;
  return { skip: why.length ? `no route left to test: ${why.join('; ')}` : `no route requires a value in ${claim} (routes[].require, token.claimValues)` };
}
