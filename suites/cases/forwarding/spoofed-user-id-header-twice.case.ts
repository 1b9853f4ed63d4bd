import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-header-twice',
  title: 'forwards one verified user id when the client sends two copies of the user-id header',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711', section: 'addCopy appends' },
    { doc: 'DESIGN.md', section: 'claims contract' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  request: (profile) => ({
    headers: [
      [profile.claimHeaders.userId, 'admin'],
      [profile.claimHeaders.userId.toLowerCase(), 'root'],
    ],
  }),
  expect: { outcome: 'accept', upstreamHeaders: { '@userId': '{claims.oid}' } },
});
