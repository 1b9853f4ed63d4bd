import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

/** The weak keys' kids: chosen, so the recipes can name the keys the setup publishes. */
const WEAK_KID = 'gatecheck-b18-weak-rsa-1024';
const EXPONENT_ONE_KID = 'gatecheck-b18-rsa-exponent-1';

export default defineCase({
  id: 'algorithm/weak-rsa-key-in-jwks',
  title: 'rejects a token signed by a 1024-bit RSA key, or verifying under a key with exponent 1, even when the IdP publishes that key',
  // RFC 7518 §3.3: a key of 2048 bits or larger MUST be used with RS*, verification included. A key with
  // e = 1 is no RSA key (RFC 8017 §3.1: 3 <= e) and lets anyone forge: a forged token accepted.
  level: 'must',
  references: [
    { doc: 'RFC 7518', section: '3.3' },
    { doc: 'Wycheproof json_web_key_test', section: 'rejects1024bitRsaKey / rejectsPublicExponent1' },
  ],
  covers: ['B18'],
  features: ['idp-faults', 'idp-weak-key'],
  exclusive: true,
  // A really generated 1024-bit key, and a modulus published with e = 1 (whose "signature" is the
  // padded hash itself, which OpenSSL verifies), both in the tenant's JWKS beside the genuine keys.
  setup: [
    { action: 'add-key', kid: WEAK_KID, modulusLength: 1024 },
    { action: 'add-key', kid: EXPONENT_ONE_KID, publicExponent: 1 },
  ],
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
      {
        // The same fetch brought the exponent-1 key: a gateway that took it in has it cached now.
        token: { key: { type: 'kid', kid: EXPONENT_ONE_KID } },
        expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
      },
    ];
  },
  teardown: [{ action: 'remove-key', kid: WEAK_KID }, { action: 'remove-key', kid: EXPONENT_ONE_KID }],
});
