import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/duplicate-exp-last-expired',
  title: 'rejects a signed token whose exp appears twice, the last one in 2001',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4 (duplicate claim names: reject, or lexically last wins)' },
    { doc: 'RFC 8259', section: '4' },
  ],
  covers: ['X01'],
  features: [],
  token: { duplicateClaims: { exp: 1000000000 } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
