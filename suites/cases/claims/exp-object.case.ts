import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-object',
  title: 'rejects a token whose exp is an empty object',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '2 (NumericDate)' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorExpNotInteger' },
  ],
  covers: ['E04'],
  features: [],
  token: { claims: { exp: {} } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
