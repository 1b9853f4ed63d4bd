import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/alg-none-upper-case',
  title: 'rejects a token with alg "NONE" and an empty signature',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7515', section: '4.1.1' },
    { doc: 'CVE-2015-2951' },
    { doc: 'jwt_tool', section: '-X a' },
    { doc: 'jwt_tool', section: 'checkAlgNone()' },
  ],
  covers: ['B02'],
  features: [],
  token: { key: 'none', header: { alg: 'NONE' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
