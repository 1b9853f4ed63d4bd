import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-missing',
  title: 'rejects a token without aud',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.3' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.9' },
    { doc: 'OIDF oidcc-client-test-missing-aud' },
  ],
  covers: ['E16'],
  features: [],
  token: { omitClaims: ['aud'] },
  expect: audienceRefusal,
});
