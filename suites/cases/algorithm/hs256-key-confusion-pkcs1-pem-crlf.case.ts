import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-key-confusion-pkcs1-pem-crlf',
  title: 'rejects HS256 whose HMAC secret is the IdP\'s public RSA key as PKCS#1 PEM with CRLF line ends',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '2.1' },
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'CVE-2015-9235' },
    { doc: 'CVE-2016-10555' },
    { doc: 'jwt_tool', section: '-X k' },
    { doc: 'PortSwigger Web Security Academy', section: 'JWT algorithm confusion' },
  ],
  covers: ['B05'],
  features: [],
  token: { key: { type: 'hmac-with-public-key', encoding: 'pkcs1-pem-crlf' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
