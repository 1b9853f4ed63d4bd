import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-roles-header',
  title: 'forwards only the verified roles when the client sends its own roles header',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'kgateway-dev/kgateway#14711', section: 'addCopy appends' },
    { doc: 'gatecheck target profile', section: 'claimHeaders' },
  ],
  covers: ['F01'],
  features: ['claim-headers'],
  // The token's roles are the baseline's (what the contract requires); the client claims more.
  request: (profile) => ({ headers: [[profile.claimHeaders.roles, 'Gatecheck.Spoofed,Admin']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@roles': '{claims.roles}' } },
});
