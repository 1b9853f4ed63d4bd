import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-down-unknown-kid',
  title: 'refuses a token with an unknown kid while discovery and JWKS are down, without reaching the upstream',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn authenticator.cc', section: 'JwksFetchFail: Jwks remote fetch is failed → 401' },
    { doc: 'Entra signing-key-rollover' },
  ],
  covers: ['H01'],
  features: ['idp-faults'],
  exclusive: true,
  token: { header: { kid: 'gatecheck-h01-unknown-kid' } },
  setup: [
    { action: 'fault', endpoint: 'discovery', fault: { kind: 'down' } },
    { action: 'fault', endpoint: 'jwks', fault: { kind: 'down' } },
  ],
  expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched' },
  teardown: [{ action: 'clear-faults' }],
});
