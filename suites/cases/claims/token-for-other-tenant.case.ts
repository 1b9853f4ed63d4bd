import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/token-for-other-tenant',
  title: 'rejects a token issued for another Entra tenant of the same IdP',
  level: 'must',
  references: [{ doc: 'RFC 8725', section: '3.8' }, { doc: 'RFC 9068', section: '4' }, { doc: 'APIM validate-jwt', section: 'multi-tenant openid-config' }],
  covers: ['E22'],
  features: [],
  token: { issuerTenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
  expect: (profile) =>
    profile.issuers.some((i) => i.tenants?.includes('72f988bf-86f1-41af-91ab-2d7cd011db47'))
      ? { skip: 'that tenant is allow-listed' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
