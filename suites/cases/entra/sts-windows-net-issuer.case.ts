import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/sts-windows-net-issuer',
  title: 'rejects a token claiming Entra\'s public v1 issuer sts.windows.net for the tenant',
  level: 'must',
  references: [{ doc: 'Entra access-tokens', section: 'validate tokens' }, { doc: 'RFC 8725', section: '3.8' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['X04', 'E09'],
  features: [],
  token: { claims: { iss: 'https://sts.windows.net/{{claims.tid}}/' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
