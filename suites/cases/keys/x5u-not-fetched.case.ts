import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/x5u-not-fetched',
  title: 'rejects an attacker-signed token whose x5u points at a reachable attacker certificate, and never fetches it',
  // Refusing is required (the signing key is the attacker's). Never fetching goes beyond RFC 8725 §3.10,
  // which only says SHOULD guard against SSRF: kept MUST because a fetch makes the gateway request an
  // attacker-chosen URL from its own network position (SSRF) and, if trusted, accepts a forged token.
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.5' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['C04'],
  features: ['idp-faults'],
  exclusive: true,
  token: {
    key: 'attacker',
    header: { kid: '{{keys.primary}}', x5u: '{{claims.iss}}/../../_attacker/{{claims.tid}}/cert.pem' },
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
