import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/attacker-key-primary-kid',
  title: 'rejects a token signed by an attacker key under the IdP primary key\'s kid',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '5.2' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['B21'],
  features: [],
  token: { key: 'attacker', header: { kid: '{{keys.primary}}' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
