import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/key-issuer-member-mismatch',
  title: 'rejects a token for one allow-listed tenant signed with another allow-listed tenant\'s key',
  // RFC 8725 §3.8: the application MUST validate that the keys used belong to the issuer, and reject the
  // JWT if not; otherwise whoever controls one allow-listed tenant's key speaks for another tenant.
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'multi-tenant: validate iss with tid; key issuer' },
    { doc: 'APIM validate-jwt', section: 'multi-tenant openid-config' },
    { doc: 'RFC 8725', section: '3.8' },
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
