import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-object',
  title: 'rejects a token whose kid is an empty object',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.4' }, { doc: 'jwt_verify_lib', section: 'JwtHeaderBadKid' }],
  covers: ['C09'],
  features: [],
  token: { header: { kid: {} } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
