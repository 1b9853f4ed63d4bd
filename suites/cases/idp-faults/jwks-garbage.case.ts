import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

export default defineCase({
  id: 'idp-faults/jwks-garbage',
  title: 'after waiting out the refetch cooldown, refuses an attacker-signed unknown-kid token while the JWKS serves HTML instead of JSON, and either keeps or drops the cached keys',
  level: 'must',
  references: [
    { doc: 'jwt_verify_lib', section: 'JwksParseError / JwksNoKeys / JwksBadKeys' },
    { doc: 'Entra signing-key-rollover' },
  ],
  covers: ['H04'],
  features: ['idp-faults'],
  exclusive: true,
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    return [
      {
        // Signed by a key the IdP never published, so only a gateway that fails open accepts it.
        token: { key: 'attacker', header: { kid: 'gatecheck-h04-garbage' } },
        before: [probe.wait, { action: 'fault', endpoint: 'jwks', fault: { kind: 'garbage' } }],
        expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
      { token: {}, expect: { outcome: 'either' } },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
