import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-malformed-json',
  title: 'refuses an unknown-kid token while the JWKS serves truncated JSON, and either keeps or drops the cached keys',
  level: 'must',
  references: [
    { doc: 'jwt_verify_lib', section: 'JwksParseError / JwksNoKeys / JwksBadKeys' },
    { doc: 'Entra signing-key-rollover' },
  ],
  covers: ['H04'],
  features: ['idp-faults'],
  exclusive: true,
  setup: [{ action: 'fault', endpoint: 'jwks', fault: { kind: 'malformed-json' } }],
  steps: [
    {
      token: { header: { kid: 'gatecheck-h04-malformed-json' } },
      expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched' },
    },
    { token: {}, expect: { outcome: 'either' } },
  ],
  teardown: [{ action: 'clear-faults' }],
});
