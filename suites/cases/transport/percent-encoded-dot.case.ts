import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/percent-encoded-dot',
  title: 'refuses a token whose header segment contains a percent-encoded dot (%2E)',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '2' },
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'invalidBase64Padding, invalidCharactersInPayload' },
  ],
  covers: ['A12'],
  features: [],
  token: { tamper: [{ type: 'invalid-chars', segment: 'header', chars: '%2E' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
