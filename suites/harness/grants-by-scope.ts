import type { TargetProfile } from '../../gateway-under-test/index.ts';
import { allowsMethod } from './allows-method.ts';

/**
 * Whether `value` in a delegated token's `scp` alone (no app role) satisfies what the target demands for
 * a GET on its first protected route: the route's requirement must read `scp`, and no token-wide claim
 * rule (APIM `required-claims`, Apigee `AdditionalClaims`) may insist on another claim. Cases about
 * delegated tokens ask this instead of assuming every gateway reads both `roles` and `scp`.
 */
export function grantsByScope(profile: TargetProfile, value: string): boolean {
  const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'GET'));
  const routeOk = !route?.require || (route.require.claims.includes('scp') && route.require.values.includes(value));
  const tokenOk = (profile.token.claimValues ?? []).every((rule) => rule.claims.includes('scp') && rule.values.includes(value));
  return routeOk && tokenOk;
}
