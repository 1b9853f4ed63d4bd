import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/typ-number',
  title: 'rejects a token whose typ is the number 1',
  level: 'should',
  references: [{ doc: 'RFC 7515', section: '4.1.9' }],
  covers: ['C18'],
  features: [],
  token: { header: { typ: 1 } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
