import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/query-token-only',
  title: 'accepts a token in the access_token query parameter only when the profile enables query tokens',
  level: 'profile',
  references: [
    { doc: 'RFC 6750', section: '2.3' },
    { doc: 'RFC 9700', section: '4.3.2' },
    { doc: 'Envoy jwt_authn config.proto', section: 'from_params' },
    { doc: 'Kong jwt plugin schema.lua', section: 'uri_param_names' },
  ],
  covers: ['A07'],
  features: [],
  request: { tokenIn: 'none', query: [['access_token', '{token}']] },
  // Not graded weaker: RFC 6750 §2.3 says "Resource servers MAY support this method", and RFC 9700 §4.3.2
  // ("Clients MUST NOT pass access tokens in a URI query parameter") binds clients; neither RFC 8725 nor
  // RFC 9068 says anything about where the token travels.
  expect: (profile) =>
    profile.tokenLocations.includes('query') ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
