import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/many-periods',
  title: 'refuses a bearer value of 10 000 periods quickly and without reaching the upstream',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '7.2' }, { doc: 'CVE-2025-30204', section: 'golang-jwt ParseUnverified with many periods' }],
  covers: ['A16'],
  features: [],
  request: { authorization: 'Bearer ' + '.'.repeat(10_000) },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
