import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/v1-issuer-on-v2-token',
  title: 'rejects a v2-shaped token carrying the v1 form of the tenant issuer',
  level: 'must',
  references: [{ doc: 'Entra access-tokens', section: 'validate tokens' }, { doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['X04', 'E09'],
  features: [],
  token: (profile) => ({ claims: { iss: profile.issuers[0].issuer.replace('{tenantid}', '{{claims.tid}}').replace(/v2\.0$/, '') } }),
  expect: (profile) =>
    profile.issuers.some((i) => !i.issuer.endsWith('/v2.0'))
      ? { skip: 'the profile trusts a v1 issuer' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
