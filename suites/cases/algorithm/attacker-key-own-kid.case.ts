import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/attacker-key-own-kid',
  title: 'rejects a token signed by an attacker key under its own kid',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '5.2' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['B21'],
  features: [],
  token: { key: 'attacker' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
