import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/jku-not-fetched',
  title: 'rejects an attacker-signed token whose jku points at a reachable attacker JWKS, and never fetches it',
  level: 'must',
  references: [{ doc: 'RFC 8725', section: '3.10' }, { doc: 'RFC 7515', section: '4.1.2' }],
  covers: ['C02'],
  features: ['idp-faults'],
  exclusive: true,
  token: {
    key: 'attacker',
    header: { kid: '{{keys.primary}}', jku: '{{claims.iss}}/../../_attacker/{{claims.tid}}/jwks.json' },
  },
  setup: [{ action: 'clear-request-log' }],
  expect: {
    outcome: 'reject',
    status: 401,
    wwwAuthenticate: { error: 'invalid_token' },
    upstream: 'untouched',
    // The mock's attacker listener serves the very key that signed the token: following the header
    // would both fetch (counted here) and, for a naive gateway, verify.
    idpRequests: [{ endpoint: 'attacker', atMost: 0 }],
  },
});
