import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

export default defineCase({
  id: 'idp-faults/jwks-wrong-key',
  title: 'after waiting out the refetch cooldown, refuses an attacker-signed unknown-kid token while the JWKS serves a key set without the signing key, and either keeps or drops the cached keys',
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
        token: { key: 'attacker', header: { kid: 'gatecheck-h04-wrong-key' } },
        before: [probe.wait, { action: 'fault', endpoint: 'jwks', fault: { kind: 'wrong-key' } }],
        expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
      { token: {}, expect: { outcome: 'either' } },
      {
        // A gateway that installed the impostor keys keeps them for their kids until it refetches, and
        // every later case would see genuine tokens fail (a rotation case did). Once the IdP is healthy
        // again, one more unknown kid after the cooldown makes it fetch the genuine set, proven by the log.
        before: [{ action: 'clear-faults' }, probe.wait],
        token: { key: 'attacker', header: { kid: 'gatecheck-h04-wrong-key-recovered' } },
        expect: { outcome: 'reject', status: 401, upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
