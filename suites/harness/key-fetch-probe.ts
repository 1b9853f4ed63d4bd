import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { IdpAction, Skip } from './define-case.ts';

/**
 * Longer than this and the waits would dominate a conformance run (six cases wait it out one after
 * another: jose's 30 s default would add three minutes); such targets skip the IdP-fault cases that need it.
 */
export const MAX_COOLDOWN_SECONDS = 10;

export interface KeyFetchProbe {
  /** Waits out the target's declared unknown-kid cooldown, so the next unknown kid makes it fetch. */
  wait: IdpAction;
  /** Where that fetch goes first: discovery for targets that discover their JWKS, else the JWKS itself. */
  firstEndpoint: 'discovery' | 'jwks';
}

/**
 * What an IdP-fault case needs to prove its fault was met: a target with a refetch cooldown asked for an
 * unknown kid milliseconds after an earlier case did the same never fetches at all, so a gateway that
 * fails open when its key set cannot be fetched would pass. The case waits out the declared cooldown
 * (`profile.jwks.unknownKidCooldownSeconds`, plus 25 ms: timers never fire early) before the fault goes on, then demands that
 * the mock saw the fetch; a target without such a policy, or with one too long to wait for, is skipped.
 */
export function keyFetchProbe(profile: TargetProfile): KeyFetchProbe | Skip {
  const fetching = profile.issuers.find((i) => i.keySource !== 'static');
  if (!fetching) return { skip: 'the target holds static keys: no key-set fetch can fail' };
  if (!profile.jwks) return { skip: 'the profile declares no jwks policy (jwks.unknownKidCooldownSeconds), so no wait can make the target fetch' };
  const cooldown = profile.jwks.unknownKidCooldownSeconds;
  if (!(cooldown >= 0)) return { skip: `jwks.unknownKidCooldownSeconds is ${String(cooldown)}, not a number of seconds` };
  if (cooldown > MAX_COOLDOWN_SECONDS) {
    return { skip: `jwks.unknownKidCooldownSeconds is ${cooldown} s: too long to wait out before each IdP-fault case (at most ${MAX_COOLDOWN_SECONDS} s)`, cause: 'run' };
  }
  return {
    wait: { action: 'wait', ms: Math.ceil(cooldown * 1000) + 25 },
    firstEndpoint: fetching.keySource === 'discovery' ? 'discovery' : 'jwks',
  };
}
