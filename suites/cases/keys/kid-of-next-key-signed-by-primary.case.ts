import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-of-next-key-signed-by-primary',
  title: 'rejects a token signed by the primary key but labelled with the published next key\'s kid',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.4' }, { doc: 'RFC 7515', section: '5.2' }],
  covers: ['X06'],
  features: [],
  token: { header: { kid: '{{keys.next}}' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
