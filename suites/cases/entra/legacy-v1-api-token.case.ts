import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/legacy-v1-api-token',
  title: 'rejects a v1 token minted for another API of the tenant (aud api://legacy-api)',
  level: 'must',
  references: [{ doc: 'Entra access-tokens', section: 'validate tokens' }, { doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['X04', 'E15'],
  features: [],
  token: { profile: 'entra-v1-app', api: 'legacy-api' },
  expect: audienceRefusal,
});
