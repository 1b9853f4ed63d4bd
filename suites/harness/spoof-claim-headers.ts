import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { Skip, Step } from './define-case.ts';
import { reachableRoutes } from './reachable-routes.ts';

/** What a client writes into its spoofed claim headers; never a value a verified token yields. */
export const SPOOFED_VALUE = 'gatecheck-spoofed';

/**
 * One request per route of the profile (protected ones with a token the route accepts, anonymous ones
 * with none), each carrying every claim header of `profile.claimHeaders` spelt as `spell` says (a
 * spelling may send a name twice). Judged from what the echo upstream received: a header whose claim the
 * token holds carries the verified value and nothing the client wrote; a header whose claim the token
 * lacks (scp in an app-only token, everything on an anonymous route) is absent, since the gateway has
 * nothing to overwrite it with; and a spelling that is not the header itself in another letter case
 * (underscores) must not arrive either.
 */
export function spoofClaimHeaders(profile: TargetProfile, spell: (name: string) => string[]): Step[] | Skip {
  const names = profile.claimHeaders;
  const sent: [string, string][] = Object.values(names).flatMap((n) => spell(n).map((s): [string, string] => [s, SPOOFED_VALUE]));
  const other = [...new Set(sent.map(([n]) => n.toLowerCase()).filter((n) => !Object.values(names).some((real) => real.toLowerCase() === n)))];
  const absentSpellings = Object.fromEntries(other.map((n) => [n, null]));
  const steps: Step[] = reachableRoutes(profile).map(({ route, path, method }): Step => {
    if (route.auth === 'anonymous') {
      return {
        request: { method, path, tokenIn: 'none', headers: sent },
        expect: { outcome: 'accept', upstreamHeaders: { ...Object.fromEntries(Object.values(names).map((n) => [n, null])), ...absentSpellings } },
      };
    }
    // The route's baseline token: what the contract accepts there (and a budget of its own on a limited route).
    return {
      request: { method, path, headers: sent },
      expect: {
        outcome: 'accept',
        upstreamHeaders: {
          '@userId': '{claims.oid}',
          '@tenantId': '{claims.tid}',
          '@clientId': '{claims.azp}',
          '@roles': '{claims.roles?}',
          '@scopes': '{claims.scp?}',
          ...absentSpellings,
        },
      },
    };
  });
  return steps.length ? steps : { skip: 'the profile has no route a request can reach' };
}
