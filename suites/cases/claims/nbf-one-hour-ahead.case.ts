import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/nbf-one-hour-ahead',
  title: 'rejects a token whose nbf is one hour in the future',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.5' },
    { doc: 'mod_auth_openidc src/proto/jwt.c', section: 'no nbf check' },
  ],
  covers: ['E06'],
  features: [],
  token: { claims: { nbf: { in: '+1h' } } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
