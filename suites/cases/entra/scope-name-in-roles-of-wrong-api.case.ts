import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/scope-name-in-roles-of-wrong-api',
  title: 'answers 403 to an app-only token whose only role belongs to another API (Legacy.Read)',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }],
  covers: ['X09', 'E24'],
  features: [],
  token: { claims: { roles: ['Legacy.Read'] } },
  expect: {
    outcome: 'reject',
    status: 403,
    wwwAuthenticate: { error: 'insufficient_scope', scope: true },
    upstream: 'untouched',
  },
});
