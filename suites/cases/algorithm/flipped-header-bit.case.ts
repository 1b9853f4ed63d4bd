import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/flipped-header-bit',
  title: 'rejects a token with one bit of its header flipped after signing',
  level: 'must',
  references: [
    {
      doc: 'Wycheproof json_web_signature_test',
      section: 'rejectsModifiedHeader / rejectsModifiedPayload / rejectsModifiedSignature',
    },
    { doc: 'RFC 7515', section: '5.2' },
  ],
  covers: ['B19'],
  features: [],
  token: { tamper: [{ type: 'flip-bit', segment: 'header', byte: 2, bit: 0 }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
