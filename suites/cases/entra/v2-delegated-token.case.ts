import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/v2-delegated-token',
  title: 'accepts a genuine v2 delegated token for a user holding the role and scope',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'Entra access-tokens', section: 'validate tokens' }],
  covers: [],
  features: [],
  token: { profile: 'entra-v2-user' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
