import { defineCase } from '../../harness/define-case.ts';
import { EXP_LEEWAY, MAX_RFC_LEEWAY_SECONDS } from '../../harness/rfc-clauses.ts';

export default defineCase({
  id: 'claims/exp-within-skew',
  title: 'either accepts or refuses a token whose exp lies 30 seconds inside the declared clock skew (refusing is stricter; accepting under a skew over 5 minutes is weaker)',
  level: 'profile',
  references: [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'RFC 9068', section: '4' }, { doc: 'APIM validate-jwt', section: 'clock-skew' }],
  covers: ['E02'],
  features: [],
  token: (profile) => ({ claims: { iat: { in: '-1h' }, nbf: { in: '-1h' }, exp: { in: `${30 - profile.clockSkewSeconds}s` } } }),
  // A skew of more than a few minutes is the contract's to allow, but accepting with it is weaker than RFC 9068 §4.
  expect: (profile) =>
    profile.clockSkewSeconds > MAX_RFC_LEEWAY_SECONDS
      ? { outcome: 'either', status: 401, wwwAuthenticate: { error: 'invalid_token' }, weaker: EXP_LEEWAY }
      : { outcome: 'either' }, // refusing inside the declared skew is stricter, never wrong
});
