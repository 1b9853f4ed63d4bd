import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/iat-one-hour-ahead',
  title: 'rejects a token whose iat is one hour in the future when the contract refuses future iat; either outcome otherwise',
  level: 'profile',
  references: [
    { doc: 'RFC 7519', section: '4.1.6' },
    { doc: 'Apigee VerifyJWT', section: 'IgnoreIssuedAt (default false)' },
  ],
  covers: ['E07'],
  features: [],
  token: { claims: { iat: { in: '+1h' } } },
  // Refusing it without the contract saying so is stricter, never wrong. Not graded weaker when accepted: RFC 9068 §2.2 requires iat but §4 does not ask the resource server to
  // check it, and RFC 8725 is silent on iat; refusing a future iat is the profile's choice (RFC 7519 §4.1.6).
  expect: (profile) =>
    profile.token.rejectFutureIat
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'either' },
});
