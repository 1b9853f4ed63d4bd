import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/multi-tenant-tenant-not-allow-listed',
  title: 'rejects a token whose tenant is not on the allow-list of the {tenantid} issuer',
  // Anyone can create an Entra tenant and get genuine tokens from it: a tenant outside the allow-list
  // accepted is an outsider let in (RFC 9068 §4: iss must match a trusted issuer exactly).
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'multi-tenant: validate iss with tid; key issuer' },
    { doc: 'APIM validate-jwt', section: 'multi-tenant openid-config' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.8' },
  ],
  covers: ['X05', 'E22'],
  features: ['multi-tenant'],
  steps: (profile) => {
    const issuer = profile.issuers.find((i) => i.tenants && i.tenants.length > 0);
    if (!issuer) return { skip: 'no templated issuer with a tenant allow-list' };
    if (issuer.tenants!.includes('72f988bf-86f1-41af-91ab-2d7cd011db47')) return { skip: 'the probe tenant is allow-listed' };
    return [{ token: { issuerTenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', claims: { aud: issuer.audiences[0] } }, expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } }];
  },
});
