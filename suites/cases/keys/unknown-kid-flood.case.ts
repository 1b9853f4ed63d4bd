import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/unknown-kid-flood',
  title: 'a flood of tokens with random unknown kids costs the IdP at most one JWKS refetch',
  // No RFC MUST: kept because each forged token would become an IdP fetch, so any unauthenticated client
  // could DoS the IdP through the gateway (jwks-rsa and get-jwks defaults do exactly that).
  level: 'must',
  references: [
    { doc: 'APIM validate-jwt', section: 'key refresh at most once per 5 minutes' },
    { doc: 'mod_auth_openidc ChangeLog', section: 'throttle JWKS refresh on unknown kid' },
  ],
  covers: ['H07', 'C10'],
  features: ['idp-faults'],
  exclusive: true,
  steps: [
    {
      token: { header: { kid: 'gatecheck-unknown-{{run.nonce}}-{{run.i}}' } },
      repeat: 20,
      concurrent: true,
      expect: {
        outcome: 'reject',
        status: 401,
        wwwAuthenticate: { error: 'invalid_token' },
        idpRequests: [{ endpoint: 'jwks', atMost: 1 }],
      },
    },
  ],
});
