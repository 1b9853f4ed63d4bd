import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-empty-secret-no-kid',
  title: 'rejects HS256 with an empty secret and no kid (a lookup that finds no key must not verify with an empty one)',
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.5' },
    { doc: 'RFC 7518', section: '3.2' },
    { doc: 'jwt_tool', section: '-X b (blank password)' },
    { doc: 'RFC 7515', section: '4.1.4' },
  ],
  covers: ['B13', 'C12'],
  features: [],
  token: { key: { type: 'hmac', secret: '' }, omitHeader: ['kid', 'x5t'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
