import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/crit-names-registered-parameter',
  title: 'rejects a token whose crit lists a parameter the JWS spec itself defines (kid)',
  level: 'should',
  references: [{ doc: 'RFC 7515', section: '4.1.11' }],
  covers: ['C14'],
  features: [],
  token: { header: { crit: ['kid'] } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
