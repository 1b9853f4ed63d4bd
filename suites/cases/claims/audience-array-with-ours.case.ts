import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-array-with-ours',
  title: 'either accepts or refuses a token whose aud is an array holding another audience and ours (refusing is stricter than RFC 7519 requires, never wrong)',
  level: 'either',
  references: [
    { doc: 'RFC 7519', section: '4.1.3' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'mod_auth_openidc', section: 'oidc_oauth_validate_jwt_aud' },
  ],
  covers: ['E17'],
  features: [],
  token: { claims: { aud: ['api://other-api', '{{claims.aud}}'] } },
  expect: { outcome: 'either' },
});
