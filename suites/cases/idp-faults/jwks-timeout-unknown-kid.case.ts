import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-timeout-unknown-kid',
  title: 'refuses a token with an unknown kid while the JWKS endpoint never answers',
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn', section: 'http_uri.timeout' },
    { doc: 'Envoy jwt_authn authenticator.cc', section: 'JwksFetchFail: Jwks remote fetch is failed → 401' },
  ],
  covers: ['H03', 'H01'],
  features: ['idp-faults'],
  exclusive: true,
  token: { header: { kid: 'gatecheck-h03-unknown-kid' } },
  setup: [{ action: 'fault', endpoint: 'jwks', fault: { kind: 'timeout' } }],
  expect: { outcome: 'reject', status: [401, 503, 504], upstream: 'untouched' },
  teardown: [{ action: 'clear-faults' }],
});
