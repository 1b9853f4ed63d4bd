import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/role-wrong-case',
  title: 'answers 403 to a token holding the required role in the wrong letter case',
  level: 'must',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E25'],
  features: [],
  token: { claims: { roles: ['orders.read'] } },
  expect: {
    outcome: 'reject',
    status: 403,
    wwwAuthenticate: { error: 'insufficient_scope', scope: true },
    upstream: 'untouched',
  },
});
