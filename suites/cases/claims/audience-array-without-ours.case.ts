import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-array-without-ours',
  title: 'rejects a token whose aud is an array of other audiences only',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E15'],
  features: [],
  token: { claims: { aud: ['api://other-api', 'api://another-api'] } },
  expect: audienceRefusal,
});
