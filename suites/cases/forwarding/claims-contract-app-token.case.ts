import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/claims-contract-app-token',
  title: 'an app-only token reaches the upstream with the verified claims in the claim headers',
  // No RFC defines claim headers: the target declares them (claimHeaders, feature claim-headers), so
  // forwarding the verified values is its contract. Spoofed copies reaching the upstream are the MUST cases.
  level: 'profile',
  references: [{ doc: 'gatecheck target profile', section: 'claimHeaders' }, { doc: 'Envoy jwt_authn', section: 'forward' }],
  covers: ['F08'],
  features: ['claim-headers'],
  token: { profile: 'entra-v2-app' },
  expect: (profile) => ({
    outcome: 'accept',
    status: 200,
    upstreamHeaders: {
      '@userId': '{claims.oid}',
      '@tenantId': '{claims.tid}',
      '@clientId': '{claims.azp}',
      '@roles': '{claims.roles}',
      // A token is a credential: once verified it has no business upstream unless the route says so.
      ...(profile.features.includes('strip-authorization') ? { authorization: null } : {}),
    },
  }),
});
