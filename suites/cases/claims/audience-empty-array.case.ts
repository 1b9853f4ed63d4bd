import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-empty-array',
  title: 'rejects a token whose aud is an empty array',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E16'],
  features: [],
  token: { claims: { aud: [] } },
  expect: audienceRefusal,
});
