import type { ProfileRequirement, TargetProfile } from '../../../gateway-under-test/index.ts';

/**
 * A value `requirement` does not accept, for cases that need "a role this route does not accept":
 * preferably one the contract accepts elsewhere (another route's role: the telling mistake is a gateway
 * that checks "has some role" instead of "has this route's role"), else a name no contract lists.
 * Compared without letter case, so a case-insensitive gateway cannot be granted it by accident.
 */
export function valueOutside(profile: TargetProfile, requirement: Pick<ProfileRequirement, 'values'>): string {
  const accepted = new Set(requirement.values.map((v) => v.toLowerCase()));
  const elsewhere = [...profile.routes.flatMap((r) => r.require?.values ?? []), ...(profile.token.claimValues ?? []).filter((r) => r.claims.some((c) => c === 'roles' || c === 'scp')).flatMap((r) => r.values)];
  return [...elsewhere, 'Gatecheck.NotGranted', 'Gatecheck.NotGranted.2'].find((c) => !accepted.has(c.toLowerCase()))!;
}
