import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

export default defineCase({
  id: 'idp-faults/jwks-down-unknown-kid',
  title: 'refuses an attacker-signed token with an unknown kid while discovery and JWKS are down, after really trying to fetch them',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn authenticator.cc', section: 'JwksFetchFail: Jwks remote fetch is failed → 401' },
    { doc: 'Entra signing-key-rollover' },
  ],
  covers: ['H01'],
  features: ['idp-faults'],
  exclusive: true,
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    return [
      {
        // Signed by a key the IdP never published: whatever keys the gateway falls back to, only failing open accepts it.
        token: { key: 'attacker', header: { kid: 'gatecheck-h01-unknown-kid' } },
        // The wait comes before the faults, so no refresh the gateway starts meanwhile can spend the cooldown.
        before: [
          probe.wait,
          { action: 'fault', endpoint: 'discovery', fault: { kind: 'down' } },
          { action: 'fault', endpoint: 'jwks', fault: { kind: 'down' } },
        ],
        expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched', idpRequests: [{ endpoint: probe.firstEndpoint, atLeast: 1 }] },
      },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
