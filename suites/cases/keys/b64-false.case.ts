import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/b64-false',
  title: 'rejects a token with b64 false listed in crit (unencoded payload)',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.11' }, { doc: 'RFC 7519', section: '7.2' }, { doc: 'RFC 7797', section: '7' }, { doc: 'eclipse/microprofile-jwt-auth#301' }],
  covers: ['C16'],
  features: [],
  token: { header: { b64: false, crit: ['b64'] } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
