import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/space-inside-token',
  title: 'refuses a token with a space inside its header segment',
  level: 'must',
  references: [
    { doc: 'RFC 6750', section: '2.1' },
    { doc: 'RFC 7515', section: '2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'spacesInHeader' },
  ],
  covers: ['A12'],
  features: [],
  token: { tamper: [{ type: 'invalid-chars', segment: 'header', chars: ' ' }] },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
