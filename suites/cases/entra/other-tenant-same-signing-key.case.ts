import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/other-tenant-same-signing-key',
  title: 'rejects a token for the IdP\'s other tenant signed with this tenant\'s key (Entra shares keys across tenants)',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'validate tokens' },
    { doc: 'Entra access-tokens', section: 'validate the signing key issuer' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['E22', 'X05'],
  features: [],
  token: { issuerTenant: 'fabrikam' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
