import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-header',
  title: 'a client-supplied user-id header never reaches the upstream next to (or instead of) the verified one',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  token: {},
  // Two spellings: the header name as configured and in lower case (header names are case-insensitive).
  request: (profile) => ({
    headers: [
      [profile.claimHeaders.userId, 'spoofed-admin'],
      [profile.claimHeaders.userId.toLowerCase(), 'spoofed-admin-2'],
    ],
  }),
  expect: { outcome: 'accept', upstreamHeaders: { '@userId': '{claims.oid}' } },
});
