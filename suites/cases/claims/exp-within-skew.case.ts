import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-within-skew',
  title: 'accepts a token whose exp lies 30 seconds inside the profile\'s clock skew window',
  level: 'profile',
  references: [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'APIM validate-jwt', section: 'clock-skew' }],
  covers: ['E02'],
  features: [],
  token: (profile) => ({ claims: { iat: { in: '-1h' }, nbf: { in: '-1h' }, exp: { in: `${30 - profile.clockSkewSeconds}s` } } }),
  expect: { outcome: 'accept', upstream: 'reached' },
});
