import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-scopes-header-claim-absent',
  title: 'removes a client-sent scopes header when the app-only token has no scp to map',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [{ doc: 'envoyproxy/envoy#35553' }, { doc: 'envoyproxy/envoy PR #46586' }],
  covers: ['F02'],
  features: ['claim-headers'],
  token: { omitClaims: ['scp'] },
  request: (profile) => ({ headers: [[profile.claimHeaders.scopes, 'Gatecheck.Spoofed']] }),
  expect: { outcome: 'accept', upstreamHeaders: { '@scopes': null } },
});
