import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

export default defineCase({
  id: 'idp-faults/discovery-issuer-mismatch',
  title: 'refuses tokens when the discovery document\'s issuer differs from the configured issuer',
  level: 'must',
  references: [
    { doc: 'OIDF oidcc-client-test-discovery-issuer-mismatch' },
    { doc: 'RFC 8414', section: '3.3' },
    { doc: 'OpenID Connect Discovery 1.0', section: '4.3' },
  ],
  covers: ['H08'],
  features: ['idp-faults', 'idp-discovery-control'],
  exclusive: true,
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    if (probe.firstEndpoint !== 'discovery') return { skip: 'the target takes its JWKS URL from its configuration, not from a discovery document' };
    return [
      {
        // The document a mix-up attacker would serve: another issuer, and a jwks_uri holding the attacker's
        // key. RFC 8414 §3.3: such a document MUST NOT be used, so its keys are never even fetched.
        before: [
          probe.wait,
          { action: 'fault', endpoint: 'discovery', fault: { kind: 'rewrite', issuer: 'https://login.gatecheck.invalid/attacker/v2.0', jwksUri: '/_attacker/{tenant}/jwks.json' } },
        ],
        token: { key: 'attacker' },
        expect: {
          outcome: 'reject',
          status: [401, 503],
          upstream: 'untouched',
          idpRequests: [{ endpoint: 'discovery', atLeast: 1 }, { endpoint: 'attacker', atMost: 0 }],
        },
      },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
