import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-wrong-key',
  title: 'refuses an unknown-kid token while the JWKS serves a key set without the signing key, and either keeps or drops the cached keys',
  level: 'must',
  references: [
    { doc: 'jwt_verify_lib', section: 'JwksParseError / JwksNoKeys / JwksBadKeys' },
    { doc: 'Entra signing-key-rollover' },
  ],
  covers: ['H04'],
  features: ['idp-faults'],
  exclusive: true,
  setup: [{ action: 'fault', endpoint: 'jwks', fault: { kind: 'wrong-key' } }],
  steps: [
    {
      token: { header: { kid: 'gatecheck-h04-wrong-key' } },
      expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched' },
    },
    { token: {}, expect: { outcome: 'either' } },
  ],
  teardown: [{ action: 'clear-faults' }],
});
