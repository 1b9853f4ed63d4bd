import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-boolean',
  title: 'rejects a token whose exp is true',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '2 (NumericDate)' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorExpNotInteger' },
  ],
  covers: ['E04'],
  features: [],
  token: { claims: { exp: true } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
