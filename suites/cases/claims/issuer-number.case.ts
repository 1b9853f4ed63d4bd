import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-number',
  title: 'rejects a token whose iss is a number',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorIssNotString' },
  ],
  covers: ['E14'],
  features: [],
  token: { claims: { iss: 1 } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
