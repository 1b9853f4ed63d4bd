import { defineCase } from '../../harness/define-case.ts';

// The kid is known, so a correct gateway has no reason to touch the JWKS; a jku-following one fetches it.
export default defineCase({
  id: 'keys/jku-not-fetched',
  title: 'rejects an attacker-signed token whose jku points at the IdP\'s own JWKS URL, and never fetches it',
  level: 'must',
  references: [{ doc: 'RFC 8725', section: '3.10' }, { doc: 'RFC 7515', section: '4.1.2' }],
  covers: ['C02'],
  features: ['idp-faults'],
  exclusive: true,
  token: {
    key: 'attacker',
    header: { kid: '{{keys.primary}}', jku: '{{claims.iss}}/../discovery/v2.0/keys?gatecheck=jku' },
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
