import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/crit-not-an-array',
  title: 'rejects a token whose crit is a string instead of an array',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.11' }],
  covers: ['C14'],
  features: [],
  token: { header: { crit: 'exp-ext', 'exp-ext': 1 } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
