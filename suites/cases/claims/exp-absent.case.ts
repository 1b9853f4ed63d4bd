import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-absent',
  title: 'a token without exp is refused when the target requires exp',
  level: 'profile',
  references: [{ doc: 'RFC 9068', section: '2.2' }, { doc: 'RFC 7519', section: '4.1.4' }],
  covers: ['E03'],
  features: [],
  token: { omitClaims: ['exp'] },
  // Vendors differ (APIM requires exp, Envoy and Kong do not): the profile says which this target is.
  expect: (profile) =>
    profile.token.requireExp
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } }
      : { outcome: 'either' },
});
