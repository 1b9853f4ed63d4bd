import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-array',
  title: 'rejects a token whose exp is an array holding a future time',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '2 (NumericDate)' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorExpNotInteger' },
  ],
  covers: ['E04'],
  features: [],
  token: { claims: { exp: [9999999999] } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
