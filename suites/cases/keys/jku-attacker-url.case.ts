import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/jku-attacker-url',
  title: 'rejects a token signed by an attacker key whose jku points at an attacker JWKS',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.10' },
    { doc: 'RFC 7515', section: '4.1.2' },
    { doc: 'jwt_tool', section: '-X s' },
    { doc: 'PortSwigger Web Security Academy', section: 'JWT authentication bypass via jku header injection' },
  ],
  covers: ['C02'],
  features: [],
  token: { key: 'attacker', header: { jku: 'http://127.0.0.1:9/.well-known/jwks.json' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
