import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-common-secret-secret',
  title: 'rejects HS256 signed with the common secret "secret"',
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.5' },
    { doc: 'jwt_tool', section: 'jwt-common.txt' },
    { doc: 'Apigee VerifyJWT', section: 'InsufficientKeyLength' },
  ],
  covers: ['B14'],
  features: [],
  token: { key: { type: 'hmac', secret: 'secret' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
