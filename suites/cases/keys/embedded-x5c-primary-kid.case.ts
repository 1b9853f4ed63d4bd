import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/embedded-x5c-primary-kid',
  title: 'rejects an attacker-signed token carrying its x5c certificate under the primary key\'s kid',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.6' }],
  covers: ['C05'],
  features: [],
  token: { key: 'attacker', embed: ['x5c'], header: { kid: '{{keys.primary}}' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
