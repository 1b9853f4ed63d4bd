import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { Expectation } from './define-case.ts';
import { AUD_VALIDATED } from './rfc-clauses.ts';

/**
 * What a case expects of a token whose audience is not the target's: refusal with 401 invalid_token.
 * A contract that does not check `aud` (a policy without audiences) may accept it; that acceptance is
 * graded `weaker` naming RFC 9068 §4, never passed in silence.
 */
export function audienceRefusal(profile: TargetProfile): Expectation {
  const refuse: Expectation = { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' };
  return profile.token.checkAudience === false ? { ...refuse, outcome: 'either', weaker: AUD_VALIDATED } : refuse;
}
