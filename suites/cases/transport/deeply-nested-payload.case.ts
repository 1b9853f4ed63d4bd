import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/deeply-nested-payload',
  title: 'refuses a signed token whose payload is 2 500 nested JSON arrays',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '7.2' }, { doc: 'CVE-2025-30204' }],
  covers: ['A16', 'A14'],
  features: [],
  token: { rawPayload: '['.repeat(2_500) + ']'.repeat(2_500) },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
