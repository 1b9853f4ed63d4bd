import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/duplicate-roles-last-without-required',
  title: 'refuses a signed token whose roles appear twice, the last copy without the required role',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4 (duplicate claim names: reject, or lexically last wins)' },
    { doc: 'RFC 8259', section: '4' },
  ],
  covers: ['X01'],
  features: [],
  token: { duplicateClaims: { roles: ['Orders.Write'] } },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
