import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/duplicate-audience-last-foreign',
  title: 'rejects a signed token whose aud appears twice, the last one foreign',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4 (duplicate claim names: reject, or lexically last wins)' },
    { doc: 'RFC 8259', section: '4' },
  ],
  covers: ['X01'],
  features: [],
  token: { duplicateClaims: { aud: 'api://other-api' } },
  expect: audienceRefusal,
});
