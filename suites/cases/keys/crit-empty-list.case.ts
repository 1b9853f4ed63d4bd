import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/crit-empty-list',
  title: 'rejects a token whose crit is an empty list',
  level: 'should',
  references: [{ doc: 'RFC 7515', section: '4.1.11' }],
  covers: ['C14'],
  features: [],
  token: { header: { crit: [] } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
