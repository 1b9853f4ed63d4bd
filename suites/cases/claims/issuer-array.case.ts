import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-array',
  title: 'rejects a token whose iss is an array holding the trusted issuer',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorIssNotString' },
  ],
  covers: ['E14'],
  features: [],
  token: { claims: { iss: ['{{claims.iss}}'] } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
