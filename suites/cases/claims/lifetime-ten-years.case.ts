import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/lifetime-ten-years',
  title: 'rejects a token valid for ten years when the contract caps the lifetime; either outcome otherwise',
  level: 'profile',
  references: [
    { doc: 'Envoy jwt_authn', section: 'max_lifetime' },
    { doc: 'Apigee VerifyJWT', section: 'MaxLifespan' },
    { doc: 'Kong jwt plugin', section: 'maximum_expiration' },
  ],
  covers: ['E08'],
  features: [],
  token: { claims: { exp: { in: '+3650d' } } },
  // Not graded weaker when accepted: neither RFC 8725 nor RFC 9068 caps a token's lifetime.
  expect: (profile) => {
    const max = profile.token.maxLifetimeSeconds;
    return max !== undefined && max < 3650 * 86_400 ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } : { outcome: 'either' }; // no cap declared: refusing is stricter, never wrong
  },
});
