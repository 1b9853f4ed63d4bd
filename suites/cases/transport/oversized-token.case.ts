import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/oversized-token',
  title: 'refuses a correctly signed token padded to 256 KiB without reaching the upstream',
  level: 'must',
  references: [{ doc: 'CVE-2025-30204' }, { doc: 'RFC 9110', section: '15.5.14' }, { doc: 'RFC 6585', section: '5' }],
  covers: ['A16'],
  features: [],
  token: { padTo: 262144 },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
