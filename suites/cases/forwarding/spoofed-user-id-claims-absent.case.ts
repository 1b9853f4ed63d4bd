import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-claims-absent',
  title: 'removes a client-sent user-id header when the token has neither oid nor sub (or refuses the token)',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [{ doc: 'envoyproxy/envoy#35553' }, { doc: 'envoyproxy/envoy PR #46586' }],
  covers: ['F02'],
  features: ['claim-headers'],
  token: { omitClaims: ['oid', 'sub'] },
  request: (profile) => ({ headers: [[profile.claimHeaders.userId, 'admin']] }),
  expect: { outcome: 'either', upstreamHeaders: { '@userId': null } },
});
