import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-trailing-slash',
  title: 'rejects a token whose aud is ours plus a trailing slash',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 7519', section: '2 (StringOrURI: compared as strings)' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E19'],
  features: [],
  token: { claims: { aud: '{{claims.aud}}/' } },
  expect: audienceRefusal,
});
