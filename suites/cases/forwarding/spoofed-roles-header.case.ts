import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-roles-header',
  title: 'forwards only the verified roles when the client sends its own roles header',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711', section: 'addCopy appends' },
    { doc: 'DESIGN.md', section: 'claims contract' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  // The token's roles are the baseline's (what the contract requires); the client claims more.
  request: (profile) => ({ headers: [[profile.claimHeaders.roles, 'Gatecheck.Spoofed,Admin']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@roles': '{claims.roles}' } },
});
