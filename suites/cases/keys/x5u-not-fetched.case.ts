import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/x5u-not-fetched',
  title: 'rejects an attacker-signed token whose x5u points at the IdP\'s own key URL, and never fetches it',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.5' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['C04'],
  features: ['idp-faults'],
  exclusive: true,
  token: {
    key: 'attacker',
    header: { kid: '{{keys.primary}}', x5u: '{{claims.iss}}/../discovery/v2.0/keys?gatecheck=x5u' },
  },
  setup: [{ action: 'clear-request-log' }],
  expect: {
    outcome: 'reject',
    status: 401,
    wwwAuthenticate: { error: 'invalid_token' },
    upstream: 'untouched',
    idpRequests: [{ endpoint: 'jwks', atMost: 0 }],
  },
});
