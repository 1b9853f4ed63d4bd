import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-scopes-header-claim-absent',
  title: 'removes a client-sent scopes header when the app-only token has no scp to map',
  level: 'must',
  references: [{ doc: 'envoyproxy/envoy#35553' }, { doc: 'envoyproxy/envoy PR #46586' }],
  covers: ['F02'],
  features: ['claim-headers'],
  token: { omitClaims: ['scp'] },
  request: (profile) => ({ headers: [[profile.claimHeaders.scopes, 'Gatecheck.Spoofed']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@scopes': null } },
});
