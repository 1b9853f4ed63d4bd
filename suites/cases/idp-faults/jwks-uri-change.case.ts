import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

const MOVED_KID = 'gatecheck-h09-moved-key';

export default defineCase({
  id: 'idp-faults/jwks-uri-change',
  title: 'follows a jwks_uri change in the discovery document',
  level: 'should',
  references: [{ doc: 'OIDF oidcc-client-test-discovery-jwks-uri-keys' }, { doc: 'OpenID Connect Discovery 1.0', section: '3' }],
  covers: ['H09'],
  features: ['idp-faults', 'idp-discovery-control'],
  exclusive: true,
  // A genuine key the gateway has never seen, so its kid makes it fetch.
  setup: [{ action: 'add-key', kid: MOVED_KID }],
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    if (probe.firstEndpoint !== 'discovery') return { skip: 'the target takes its JWKS URL from its configuration, not from a discovery document' };
    return [
      {
        // The IdP moved its keys: discovery names the new place and the old one is down. Only a gateway
        // that reads jwks_uri from the current document finds the key.
        before: [
          probe.wait,
          { action: 'fault', endpoint: 'discovery', fault: { kind: 'rewrite', jwksUri: '/_moved/{tenant}/discovery/v2.0/keys' } },
          { action: 'fault', endpoint: 'jwks', fault: { kind: 'down' } },
        ],
        token: { key: { type: 'kid', kid: MOVED_KID } },
        expect: { outcome: 'accept', upstream: 'reached', idpRequests: [{ endpoint: 'discovery', atLeast: 1 }, { endpoint: 'jwks', atLeast: 1 }] },
      },
    ];
  },
  teardown: [{ action: 'clear-faults' }, { action: 'remove-key', kid: MOVED_KID }],
});
