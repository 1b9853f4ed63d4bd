import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-key-confusion-recovered-modulus',
  title: 'rejects HS256 keyed with the raw RSA modulus bytes (what rsa_sign2n-style recovery from two tokens yields)',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '2.1' },
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'PortSwigger Web Security Academy', section: 'algorithm confusion with no exposed key' },
    { doc: 'rsa_sign2n' },
  ],
  covers: ['B07'],
  features: [],
  token: { key: { type: 'hmac-with-public-key', encoding: 'modulus' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
