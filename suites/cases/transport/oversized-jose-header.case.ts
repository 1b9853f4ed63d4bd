import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/oversized-jose-header',
  title: 'refuses a signed token whose JOSE header carries a 64 KiB member',
  // The token is genuinely signed and RFC 7515 §4 has recipients ignore header parameters they do not
  // understand; RFC 9110 §5.4 lets a server refuse fields larger than it wishes to process. Bounding the
  // input (CVE-2025-30204 is about parsing cost) is recommended; accepting an IdP-signed token is not a breach.
  level: 'should',
  references: [{ doc: 'CVE-2025-30204' }, { doc: 'RFC 9110', section: '5.4' }, { doc: 'RFC 6585', section: '5' }, { doc: 'RFC 7515', section: '4' }],
  covers: ['A16'],
  features: [],
  token: { header: { pad: 'x'.repeat(64 * 1024) } },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
