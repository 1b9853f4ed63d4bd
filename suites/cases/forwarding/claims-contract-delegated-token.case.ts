import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/claims-contract-delegated-token',
  title: 'forwards the user\'s oid and delegated scopes of a user token in the claim headers',
  // No RFC defines claim headers: the target declares them (claimHeaders, feature claim-headers), so
  // forwarding the verified values is its contract. Spoofed copies reaching the upstream are the MUST cases.
  level: 'profile',
  references: [
    { doc: 'gatecheck target profile', section: 'claimHeaders' },
    { doc: 'Entra access-token-claims-reference', section: 'oid, scp' },
  ],
  covers: [],
  features: ['claim-headers'],
  token: { profile: 'entra-v2-user', user: 'alice@contoso.example' },
  expect: {
    outcome: 'accept',
    upstreamHeaders: { '@userId': '{claims.oid}', '@clientId': '{claims.azp}', '@scopes': '{claims.scp}' },
  },
});
