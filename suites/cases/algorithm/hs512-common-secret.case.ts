import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs512-common-secret',
  title: 'rejects HS512 signed with the common secret "changeme"',
  level: 'must',
  references: [{ doc: 'RFC 9068', section: '4' }, { doc: 'RFC 8725', section: '3.5' }, { doc: 'jwt_tool', section: 'jwt-common.txt' }],
  covers: ['B14'],
  features: [],
  token: { key: { type: 'hmac', secret: 'changeme', alg: 'HS512' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
