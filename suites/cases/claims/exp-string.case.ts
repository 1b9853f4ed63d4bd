import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-string',
  title: 'rejects a token whose exp is the string "9999999999"',
  // exp is present, so RFC 7519 §4.1.4 / RFC 9068 §4 require the current time to be before it; a value
  // that is no NumericDate names no time, so that check cannot succeed and the token must be refused.
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.4' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7519', section: '2 (NumericDate)' },
    { doc: 'jwt_verify_lib', section: 'JwtPayloadParseErrorExpNotInteger' },
  ],
  covers: ['E04'],
  features: [],
  token: { claims: { exp: '9999999999' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
