import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-missing',
  title: 'rejects a token without iss',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'OIDF fapi1-advanced-final-client-test-invalid-missing-iss' },
  ],
  covers: ['E10'],
  features: [],
  token: { omitClaims: ['iss'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
