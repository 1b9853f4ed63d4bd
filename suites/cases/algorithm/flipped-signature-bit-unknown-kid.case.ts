import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/flipped-signature-bit-unknown-kid',
  title: 'rejects a token with a flipped signature bit under a kid the JWKS does not have',
  level: 'must',
  references: [
    { doc: 'Wycheproof json_web_signature_test', section: 'rejectsModifiedSignature' },
    { doc: 'RFC 7515', section: '5.2' },
    { doc: 'RFC 7515', section: '4.1.4' },
  ],
  covers: ['B19', 'C10'],
  features: [],
  token: { header: { kid: 'gatecheck-unknown-kid-flipped-bit' }, tamper: [{ type: 'flip-bit' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
