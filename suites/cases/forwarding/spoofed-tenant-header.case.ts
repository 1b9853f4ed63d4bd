import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-tenant-header',
  title: 'forwards only the verified tenant id when the client sends its own tenant header',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711', section: 'addCopy appends' },
    { doc: 'DESIGN.md', section: 'claims contract' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  request: (profile) => ({ headers: [[profile.claimHeaders.tenantId, 'evil-tenant']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@tenantId': '{claims.tid}' } },
});
