import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/non-base64url-characters',
  title: 'refuses a token whose payload segment contains + and /',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '2' },
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'invalidBase64Padding, invalidCharactersInPayload' },
  ],
  covers: ['A12'],
  features: [],
  token: { tamper: [{ type: 'invalid-chars', segment: 'payload', chars: '+/' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
