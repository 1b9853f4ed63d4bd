import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

/** The weak key's kid: chosen, so the recipe can name the key the setup publishes. */
const WEAK_KID = 'gatecheck-b18-weak-rsa-1024';

export default defineCase({
  id: 'algorithm/weak-rsa-key-in-jwks',
  title: 'rejects a token signed by a 1024-bit RSA key even when the IdP publishes that key',
  level: 'must',
  references: [
    { doc: 'RFC 7518', section: '3.3' },
    { doc: 'Wycheproof json_web_key_test', section: 'rejects1024bitRsaKey / rejectsPublicExponent1' },
  ],
  covers: ['B18'],
  features: ['idp-faults', 'idp-weak-key'],
  exclusive: true,
  // A really generated 1024-bit key, published in the tenant's JWKS beside the genuine ones.
  setup: [{ action: 'add-key', kid: WEAK_KID, modulusLength: 1024 }],
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    return [
      {
        // After the cooldown the unknown kid makes the gateway fetch the JWKS that now holds the weak key,
        // proven by the log: a refusal only because the gateway never looked would prove nothing.
        before: [probe.wait],
        token: { key: { type: 'kid', kid: WEAK_KID } },
        expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
    ];
  },
  teardown: [{ action: 'remove-key', kid: WEAK_KID }],
});
