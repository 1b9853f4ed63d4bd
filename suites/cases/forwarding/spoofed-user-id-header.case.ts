import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-header',
  title: 'a client-supplied user-id header never reaches the upstream next to (or instead of) the verified one',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
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
