import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-key-confusion-pem-leading-space',
  title: 'rejects HS256 whose HMAC secret is the IdP\'s public RSA key as SPKI PEM with a leading space (an indented config value)',
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
  token: { key: { type: 'hmac-with-public-key', encoding: 'pem-leading-space' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
