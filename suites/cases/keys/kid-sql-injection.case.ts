import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-sql-injection',
  title: 'rejects HS256 with secret "1" and a SQL-injection kid',
  level: 'must',
  references: [
    {
      doc: 'PortSwigger Web Security Academy',
      section: 'JWT authentication bypass via kid header path traversal',
    },
    { doc: 'jwt_tool playbook', section: 'kid injection' },
    { doc: 'RFC 8725', section: '3.10' },
  ],
  covers: ['C07'],
  features: [],
  token: { key: { type: 'hmac', secret: '1' }, header: { kid: 'x\' UNION SELECT \'1\';--' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
