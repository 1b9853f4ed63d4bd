import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-header-upper-case',
  title: 'forwards only the verified user id when the client sends the user-id header in upper case',
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
  request: (profile) => ({ headers: [[profile.claimHeaders.userId.toUpperCase(), 'admin']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@userId': '{claims.oid}' } },
});
