import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/tilde-inside-header',
  title: 'refuses a token whose header segment has "~~" inside: outside base64url, skipped by lax decoders that would then see the genuine header',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '2' },
    { doc: 'RFC 4648', section: '5' },
    { doc: 'RFC 7519', section: '7.2' },
  ],
  covers: ['A12'],
  features: [],
  token: { tamper: [{ type: 'invalid-chars', segment: 'header', chars: '~~' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
