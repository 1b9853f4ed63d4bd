import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-empty-secret',
  title: 'rejects HS256 signed with an empty secret',
  level: 'must',
  references: [
    { doc: 'CVE-2019-20933' },
    { doc: 'CVE-2020-28637' },
    { doc: 'jwt_tool', section: '-X b' },
    { doc: 'RFC 8725', section: '3.5' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['B13'],
  features: [],
  token: { key: { type: 'hmac', secret: '' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
