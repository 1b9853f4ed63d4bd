import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/embedded-x5c-self-signed',
  title: 'rejects a token signed by an attacker key with its self-signed certificate in x5c',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.6' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['C05'],
  features: [],
  token: { key: 'attacker', embed: ['x5c'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
