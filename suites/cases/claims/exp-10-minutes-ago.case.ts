import { defineCase } from '../../harness/define-case.ts';
import { EXP_LEEWAY } from '../../harness/rfc-clauses.ts';

export default defineCase({
  id: 'claims/exp-10-minutes-ago',
  title: 'rejects a token whose exp is 10 minutes in the past',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E01'],
  features: [],
  token: { claims: { iat: { in: '-70m' }, nbf: { in: '-70m' }, exp: { in: '-10m' } } },
  // A clock skew of 10 minutes or more lets the contract accept it: weaker than RFC 9068 §4, not skipped.
  expect: (profile) =>
    profile.clockSkewSeconds < 600
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'either', status: 401, wwwAuthenticate: { error: 'invalid_token' }, weaker: EXP_LEEWAY },
});
