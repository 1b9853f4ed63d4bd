import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/multi-tenant-tid-differs-from-issuer',
  title: 'rejects a token whose tid names another tenant than its iss',
  // iss is an allow-listed tenant and the signature genuine; only the IdP could have signed a tid that
  // disagrees with iss, and no RFC speaks of tid. Microsoft's guidance (check iss against the template
  // filled with tid) makes refusing right, but accepting lets in no one the IdP did not sign for.
  level: 'should',
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
    const tenant = issuer.tenants!.find((t) => t !== '*');
    return [{ token: { ...(tenant ? { tenant } : {}), claims: { aud: issuer.audiences[0], tid: '72f988bf-86f1-41af-91ab-2d7cd011db47' } }, expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } }];
  },
});
