import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-path-traversal',
  title: 'rejects HS256 with an empty secret and kid ../../../../dev/null',
  level: 'must',
  references: [
    {
      doc: 'PortSwigger Web Security Academy',
      section: 'JWT authentication bypass via kid header path traversal',
    },
    { doc: 'jwt_tool playbook', section: 'kid injection' },
    { doc: 'RFC 8725', section: '3.10' },
  ],
  covers: ['C06'],
  features: [],
  token: { key: { type: 'hmac', secret: '' }, header: { kid: '../../../../../../../dev/null' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
