import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/v2-app-only-token',
  title: 'accepts a genuine v2 app-only token (roles, no scp) for the API',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'Entra access-tokens', section: 'validate tokens' }],
  covers: [],
  features: [],
  token: { profile: 'entra-v2-app' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
