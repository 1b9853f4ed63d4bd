import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

export default defineCase({
  id: 'idp-faults/jwks-timeout-unknown-kid',
  title: 'refuses an attacker-signed token with an unknown kid while the JWKS endpoint never answers, after really asking it',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn', section: 'http_uri.timeout' },
    { doc: 'Envoy jwt_authn authenticator.cc', section: 'JwksFetchFail: Jwks remote fetch is failed → 401' },
  ],
  covers: ['H03', 'H01'],
  features: ['idp-faults'],
  exclusive: true,
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    return [
      {
        token: { key: 'attacker', header: { kid: 'gatecheck-h03-unknown-kid' } },
        before: [probe.wait, { action: 'fault', endpoint: 'jwks', fault: { kind: 'timeout' } }],
        expect: { outcome: 'reject', status: [401, 503, 504], upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
