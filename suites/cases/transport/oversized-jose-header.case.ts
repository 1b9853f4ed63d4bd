import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/oversized-jose-header',
  title: 'refuses a signed token whose JOSE header carries a 64 KiB member',
  level: 'must',
  references: [{ doc: 'CVE-2025-30204' }, { doc: 'RFC 6585', section: '5' }],
  covers: ['A16'],
  features: [],
  token: { header: { pad: 'x'.repeat(64 * 1024) } },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
