import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/role-array-element-with-space',
  title: 'answers 403 to a token whose single role element is "Orders.Write Orders.Read" (array elements are not split)',
  level: 'should',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E25'],
  features: [],
  token: { claims: { roles: ['Orders.Write Orders.Read'] } },
  expect: {
    outcome: 'reject',
    status: 403,
    wwwAuthenticate: { error: 'insufficient_scope', scope: true },
    upstream: 'untouched',
  },
});
