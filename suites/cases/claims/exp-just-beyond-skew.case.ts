import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-just-beyond-skew',
  title: 'rejects a token whose exp passed 5 seconds more than the profile\'s clock skew ago',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.4' },
    { doc: 'APIM validate-jwt', section: 'clock-skew' },
    { doc: 'Envoy jwt_authn', section: 'clock_skew_seconds' },
  ],
  covers: ['E02'],
  features: [],
  token: (profile) => ({ claims: { iat: { in: '-1h' }, nbf: { in: '-1h' }, exp: { in: `-${profile.clockSkewSeconds + 5}s` } } }),
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
