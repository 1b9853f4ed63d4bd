import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/nested-jwt-attacker-inner',
  title: 'rejects an IdP-signed token whose cty JWT payload is an HS256 inner JWT keyed "secret"',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '5.2' }, { doc: 'RFC 7519', section: '7.2' }, { doc: 'RFC 8725', section: '3.3' }],
  covers: ['D03'],
  features: [],
  token: {
    header: { cty: 'JWT' },
    rawPayload: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.0lOl9dpdHx3xfjtsmvCHJsy6QkDc2TKbYlTZJpiQfTw',
  },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
