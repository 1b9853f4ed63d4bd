import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-slow-cached-key',
  title: 'serves a valid token signed by a cached key promptly while the JWKS endpoint takes 10 s to answer',
  level: 'should',
  references: [
    { doc: 'Envoy jwt_authn', section: 'http_uri.timeout' },
    { doc: 'mod_auth_openidc ChangeLog', section: 'worker pinning fix' },
  ],
  covers: ['H03'],
  features: ['idp-faults'],
  exclusive: true,
  setup: [{ action: 'fault', endpoint: 'jwks', fault: { kind: 'slow', delayMs: 10000 } }],
  expect: { outcome: 'accept', upstream: 'reached' },
  teardown: [{ action: 'clear-faults' }],
});
