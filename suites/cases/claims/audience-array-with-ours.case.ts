import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-array-with-ours',
  title: 'accepts a token whose aud is an array holding another audience and ours',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.3' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'mod_auth_openidc', section: 'oidc_oauth_validate_jwt_aud' },
  ],
  covers: ['E17'],
  features: [],
  token: { claims: { aud: ['api://other-api', '{{claims.aud}}'] } },
  expect: { outcome: 'accept', upstream: 'reached' },
});
