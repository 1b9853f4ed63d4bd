import { defineCase } from '../../harness/define-case.ts';
import { grantsByScope } from '../../harness/grants-by-scope.ts';

export default defineCase({
  id: 'entra/delegated-scope-without-role',
  title: 'accepts a delegated token granting Orders.Read through scp alone (user has no app role)',
  level: 'must',
  references: [
    { doc: 'Entra access-token-claims-reference' },
    { doc: 'Entra scopes-oidc', section: 'delegated permissions in scp' },
  ],
  covers: ['X09'],
  features: [],
  token: { profile: 'entra-v2-user', user: 'bob@contoso.example' },
  // A gateway that only reads `roles` (an APIM required-claims rule on roles) must refuse it instead.
  expect: (profile) => (grantsByScope(profile, 'Orders.Read') ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject' }),
});
