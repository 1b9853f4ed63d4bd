import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/duplicate-issuer-last-foreign',
  title: 'rejects a signed token whose iss appears twice, the last one foreign',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4 (duplicate claim names: reject, or lexically last wins)' },
    { doc: 'RFC 8259', section: '4' },
  ],
  covers: ['X01'],
  features: [],
  token: { duplicateClaims: { iss: 'https://login.evil.example/attacker/v2.0' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
