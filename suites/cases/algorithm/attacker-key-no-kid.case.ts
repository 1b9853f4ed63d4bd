import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/attacker-key-no-kid',
  title: 'rejects an RS256 token signed by an attacker key that carries no kid',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '5.2' },
    { doc: 'RFC 7515', section: '4.1.4' },
    { doc: 'OIDF oidcc-client-test-kid-absent-multiple-jwks' },
  ],
  covers: ['B21', 'C12'],
  features: [],
  token: { key: 'attacker', omitHeader: ['kid', 'x5t'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
