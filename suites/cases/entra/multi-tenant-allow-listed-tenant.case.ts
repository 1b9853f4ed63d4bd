import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/multi-tenant-allow-listed-tenant',
  title: 'accepts a token from an allow-listed tenant through the {tenantid} issuer template',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'multi-tenant: validate iss with tid; key issuer' },
    { doc: 'APIM validate-jwt', section: 'multi-tenant openid-config' },
  ],
  covers: ['X05'],
  features: ['multi-tenant'],
  steps: (profile) => {
    const issuer = profile.issuers.find((i) => i.tenants && i.tenants.length > 0);
    if (!issuer) return { skip: 'no templated issuer with a tenant allow-list' };
    // `*` allows every tenant: the IdP's own tenant is then as good as any.
    const tenant = issuer.tenants!.filter((t) => t !== '*').at(-1);
    return [{ token: { ...(tenant ? { tenant } : {}), claims: { aud: issuer.audiences[0] } }, expect: { outcome: 'accept', upstream: 'reached' } }];
  },
});
