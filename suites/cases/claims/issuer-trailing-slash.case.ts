import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-trailing-slash',
  title: 'rejects a token whose iss is the trusted issuer plus a trailing slash (exact match)',
  level: 'profile',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
    {
      doc: 'mod_auth_openidc src/util/util.c',
      section: 'oidc_util_issuer_match tolerates one trailing slash',
    },
  ],
  covers: ['E11'],
  features: [],
  token: { claims: { iss: '{{claims.iss}}/' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
