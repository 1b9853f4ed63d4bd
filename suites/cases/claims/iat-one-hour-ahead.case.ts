import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/iat-one-hour-ahead',
  title: 'rejects a token whose iat is one hour in the future when the profile refuses future iat',
  level: 'profile',
  references: [
    { doc: 'RFC 7519', section: '4.1.6' },
    { doc: 'Apigee VerifyJWT', section: 'IgnoreIssuedAt (default false)' },
  ],
  covers: ['E07'],
  features: [],
  token: { claims: { iat: { in: '+1h' } } },
  expect: (profile) =>
    profile.token.rejectFutureIat
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'accept', upstream: 'reached' },
});
