import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-header-upper-case',
  title: 'forwards only the verified user id when the client sends the user-id header in upper case',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711', section: 'addCopy appends' },
    { doc: 'DESIGN.md', section: 'claims contract' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  request: (profile) => ({ headers: [[profile.claimHeaders.userId.toUpperCase(), 'admin']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@userId': '{claims.oid}' } },
});
