import { defineCase } from '../../harness/define-case.ts';
import { grantsByScope } from '../../harness/grants-by-scope.ts';

export default defineCase({
  id: 'claims/scope-space-separated-list',
  title: 'accepts a delegated token whose scp lists "Orders.Write Orders.Read"',
  level: 'must',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
    { doc: 'Entra access-token-claims-reference', section: 'scp is space-separated' },
  ],
  covers: ['E25'],
  features: [],
  token: { profile: 'entra-v2-user', user: 'bob@contoso.example', claims: { scp: 'Orders.Write Orders.Read' } },
  // A gateway that only reads `roles` (an APIM required-claims rule on roles) must refuse it instead.
  expect: (profile) => (grantsByScope(profile, 'Orders.Read') ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject' }),
});
