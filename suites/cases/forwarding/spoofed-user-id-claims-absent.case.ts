import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-user-id-claims-absent',
  title: 'removes a client-sent user-id header when the token has neither oid nor sub (or refuses the token)',
  level: 'must',
  references: [{ doc: 'envoyproxy/envoy#35553' }, { doc: 'envoyproxy/envoy PR #46586' }],
  covers: ['F02'],
  features: ['claim-headers'],
  token: { omitClaims: ['oid', 'sub'] },
  request: (profile) => ({ headers: [[profile.claimHeaders.userId, 'admin']] }),
  expect: { outcome: 'either', upstreamHeaders: { '@userId': null } },
});
