import type { ProfileRequirement, ProfileRoute, TargetProfile } from '../../../gateway-under-test/index.ts';

/**
 * Every claim requirement a token must meet to be accepted on `route`: the target's token-wide rules
 * (APIM required-claims, Apigee AdditionalClaims: failing one is a token fault) and then the route's own
 * (failing it is a 403). A route the contract leaves anonymous demands nothing.
 */
export function rulesFor(profile: TargetProfile, route: ProfileRoute | undefined): ProfileRequirement[] {
  if (route?.auth === 'anonymous') return [];
  return [...(profile.token.claimValues ?? []), ...(route?.require ? [route.require] : [])];
}
