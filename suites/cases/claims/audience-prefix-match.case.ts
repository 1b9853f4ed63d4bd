import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-prefix-match',
  title: 'rejects a token whose aud only starts with one character of ours',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E19'],
  features: [],
  token: { claims: { aud: 'x{{claims.aud}}' } },
  expect: audienceRefusal,
});
