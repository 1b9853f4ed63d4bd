import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/null-signature-hs256',
  title: 'rejects an HS256 token with its signature stripped (h.p.)',
  level: 'must',
  references: [{ doc: 'CVE-2020-28042' }, { doc: 'jwt_tool', section: '-X n' }, { doc: 'RFC 7515', section: '5.2' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['B12'],
  features: [],
  token: { key: { type: 'hmac', secret: 'secret' }, tamper: [{ type: 'strip-signature' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
