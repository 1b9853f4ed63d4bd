import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/scope-concatenated',
  title: 'answers 403 to a delegated token whose scp is "Orders.ReadWrite" (no substring match)',
  level: 'must',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E25'],
  features: [],
  token: { profile: 'entra-v2-user', user: 'bob@contoso.example', claims: { scp: 'Orders.ReadWrite' } },
  expect: {
    outcome: 'reject',
    status: 403,
    wwwAuthenticate: { error: 'insufficient_scope', scope: true },
    upstream: 'untouched',
  },
});
