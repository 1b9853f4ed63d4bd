import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-common-secret-jwt-io',
  title: 'rejects HS256 signed with jwt.io\'s sample secret "your-256-bit-secret"',
  level: 'must',
  references: [{ doc: 'RFC 9068', section: '4' }, { doc: 'RFC 8725', section: '3.5' }, { doc: 'jwt_tool', section: 'jwt-common.txt' }],
  covers: ['B14'],
  features: [],
  token: { key: { type: 'hmac', secret: 'your-256-bit-secret' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
