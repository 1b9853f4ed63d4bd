import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/key-issuer-member-mismatch',
  title: 'rejects a token for one allow-listed tenant signed with another allow-listed tenant\'s key',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'multi-tenant: validate iss with tid; key issuer' },
    { doc: 'APIM validate-jwt', section: 'multi-tenant openid-config' },
  ],
  covers: ['X05'],
  features: ['multi-tenant'],
  steps: (profile) => {
    const issuer = profile.issuers.find((i) => i.tenants && i.tenants.length > 1);
    if (!issuer) return { skip: 'needs a templated issuer with two allow-listed tenants' };
    const [signer, claimed] = issuer.tenants!;
    return [{ token: { tenant: signer, issuerTenant: claimed, claims: { aud: issuer.audiences[0] } }, expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } }];
  },
});
