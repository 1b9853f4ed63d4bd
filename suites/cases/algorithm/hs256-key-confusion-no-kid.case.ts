import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-key-confusion-no-kid',
  title: 'rejects HS256 keyed with the IdP\'s public key (SPKI PEM) without kid',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '2.1' },
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'CVE-2016-10555' },
    { doc: 'jwt_tool', section: '-X k' },
    { doc: 'RFC 7515', section: '4.1.4' },
  ],
  covers: ['B05', 'C12'],
  features: [],
  token: { key: { type: 'hmac-with-public-key', encoding: 'pem' }, omitHeader: ['kid', 'x5t'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
