import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/null-signature-rs256',
  title: 'rejects an RS256 token with its signature stripped (h.p.)',
  level: 'must',
  references: [{ doc: 'CVE-2020-28042' }, { doc: 'jwt_tool', section: '-X n' }, { doc: 'RFC 7515', section: '5.2' }],
  covers: ['B12'],
  features: [],
  token: { tamper: [{ type: 'strip-signature' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
