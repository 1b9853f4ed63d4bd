import { defineCase } from '../../harness/define-case.ts';
import { EXP_REQUIRED } from '../../harness/rfc-clauses.ts';

export default defineCase({
  id: 'claims/exp-absent',
  title: 'refuses a token without exp (accepting it is weaker than RFC 9068, even where the contract allows it)',
  level: 'profile',
  references: [{ doc: 'RFC 9068', section: '2.2' }, { doc: 'RFC 9068', section: '4' }, { doc: 'RFC 7519', section: '4.1.4' }],
  covers: ['E03'],
  features: [],
  token: { omitClaims: ['exp'] },
  // Vendors differ (APIM requires exp, Envoy and Kong do not). A target that declares exp optional may
  // accept, but RFC 9068 requires exp in every access token: that acceptance is graded weaker, not pass.
  expect: (profile) =>
    profile.token.requireExp
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } }
      : { outcome: 'either', status: 401, wwwAuthenticate: { error: 'invalid_token' }, weaker: EXP_REQUIRED },
});
