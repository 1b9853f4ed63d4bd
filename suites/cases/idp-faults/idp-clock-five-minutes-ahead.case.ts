import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/idp-clock-five-minutes-ahead',
  title: 'follows the profile\'s clock skew for tokens from an IdP whose clock runs 5 minutes ahead',
  level: 'profile',
  references: [
    { doc: 'APIM validate-jwt', section: 'clock-skew' },
    { doc: 'Envoy jwt_authn', section: 'clock_skew_seconds' },
    { doc: 'Apigee VerifyJWT', section: 'TimeAllowance' },
  ],
  covers: ['H14'],
  features: ['idp-faults'],
  exclusive: true,
  setup: [{ action: 'clock', offsetSeconds: 300 }],
  expect: (profile) =>
    profile.clockSkewSeconds >= 300
      ? { outcome: 'accept', upstream: 'reached' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
  teardown: [{ action: 'clock', offsetSeconds: 0 }],
});
