import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/nested-jwt-unsigned-inner',
  title: 'rejects an IdP-signed token whose cty JWT payload is an unsigned (alg none) inner JWT',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '5.2' },
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'RFC 8725', section: '3.3' },
  ],
  covers: ['D03'],
  features: [],
  token: {
    header: { cty: 'JWT' },
    rawPayload: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbIk9yZGVycy5SZWFkIiwiT3JkZXJzLldyaXRlIl19.',
  },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
