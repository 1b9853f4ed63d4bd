import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-foreign',
  title: 'rejects a token whose iss is an attacker-controlled issuer',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'OIDF oidcc-client-test-invalid-iss' },
  ],
  covers: ['E09'],
  features: [],
  token: { claims: { iss: 'https://login.evil.example/attacker/v2.0' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
