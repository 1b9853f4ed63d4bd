import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/flipped-signature-bit',
  title: 'rejects a token with the last bit of its signature flipped',
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
  token: { tamper: [{ type: 'flip-bit' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
