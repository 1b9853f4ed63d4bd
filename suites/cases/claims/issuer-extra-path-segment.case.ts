import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-extra-path-segment',
  title: 'rejects a token whose iss extends the trusted issuer with an extra path segment',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['E11', 'E12'],
  features: [],
  token: { claims: { iss: '{{claims.iss}}/evil' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
