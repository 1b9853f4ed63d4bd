import { defineCase, type Step } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

const KID = 'gatecheck-h10-tls-key';

export default defineCase({
  id: 'idp-faults/jwks-tls-untrusted',
  title: 'refuses to load keys from a JWKS endpoint with a self-signed or wrong-host certificate',
  // Keys read over a connection whose certificate is not checked let a network attacker supply them,
  // and with them any forged token (RFC 7515 §4.1.2 requires TLS with server identity validation, RFC 6125 §6,
  // for key sets named in tokens; the same holds for the configured one).
  level: 'must',
  references: [
    { doc: 'mod_auth_openidc', section: 'OIDCOAuthSSLValidateServer (default On)' },
    { doc: 'RFC 9110', section: '4.3.4' },
    { doc: 'RFC 6125', section: '6' },
    { doc: 'RFC 7515', section: '4.1.2' },
  ],
  covers: ['H10'],
  features: ['idp-faults', 'idp-tls-faults'],
  exclusive: true,
  // A genuine key the gateway has never seen: it verifies only if the gateway reads the untrusted endpoint.
  setup: [{ action: 'add-key', kid: KID }],
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    if (probe.firstEndpoint !== 'discovery') return { skip: 'the target takes its JWKS URL from its configuration, not from a discovery document the mock can point elsewhere' };
    // The target trusts the mock's CA (idp-tls-faults); the wrong-host certificate comes from that CA, so
    // only the host-name check refuses it. Either way no HTTP request may complete on that listener.
    const step = (certificate: 'self-signed' | 'wrong-host'): Step => ({
      before: [probe.wait, { action: 'fault', endpoint: 'discovery', fault: { kind: 'rewrite', jwksTls: certificate } }],
      token: { key: { type: 'kid', kid: KID } },
      expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched', idpRequests: [{ endpoint: 'discovery', atLeast: 1 }, { endpoint: 'jwks', atMost: 0 }] },
    });
    return [step('self-signed'), step('wrong-host')];
  },
  teardown: [{ action: 'clear-faults' }, { action: 'remove-key', kid: KID }],
});
