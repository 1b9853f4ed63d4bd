import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/iat-string',
  title: 'rejects a token whose iat is a string',
  level: 'should',
  references: [{ doc: 'RFC 7519', section: '4.1.6' }, { doc: 'RFC 7519', section: '2 (NumericDate)' }],
  covers: ['E07', 'E04'],
  features: [],
  token: { claims: { iat: 'yesterday' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
