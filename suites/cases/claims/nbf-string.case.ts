import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/nbf-string',
  title: 'rejects a token whose nbf is a string',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.5' }, { doc: 'RFC 7519', section: '2 (NumericDate)' }],
  covers: ['E06', 'E04'],
  features: [],
  token: { claims: { nbf: '0' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
