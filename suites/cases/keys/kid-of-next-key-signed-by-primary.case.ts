import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-of-next-key-signed-by-primary',
  title: 'rejects a token signed by the primary key but labelled with the published next key\'s kid',
  // The token is genuinely signed by the IdP's primary key; kid is only a hint (RFC 7515 §4.1.4), so a
  // gateway that still finds the verifying key lets in no one the IdP did not sign for: refusing is recommended.
  level: 'should',
  references: [{ doc: 'RFC 7515', section: '4.1.4' }, { doc: 'RFC 7515', section: '5.2' }],
  covers: ['X06'],
  features: [],
  token: { header: { kid: '{{keys.next}}' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
