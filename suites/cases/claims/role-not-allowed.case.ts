import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/role-not-allowed',
  title: 'answers 403 insufficient_scope to a token holding only a role the route does not accept',
  level: 'must',
  references: [
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'APIM validate-jwt', section: 'TokenClaimValueNotAllowed' },
    { doc: 'Apigee VerifyJWT', section: 'InvalidClaim' },
  ],
  covers: ['E24'],
  features: [],
  token: { claims: { roles: ['Orders.Write'] } },
  expect: {
    outcome: 'reject',
    status: 403,
    wwwAuthenticate: { error: 'insufficient_scope', scope: true },
    upstream: 'untouched',
  },
});
