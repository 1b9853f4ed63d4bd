import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-one-hour-ago',
  title: 'rejects a token whose exp is one hour in the past',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E01'],
  features: [],
  token: { claims: { iat: { in: '-2h' }, nbf: { in: '-2h' }, exp: { in: '-1h' } } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
