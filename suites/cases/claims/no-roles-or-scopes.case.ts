import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/no-roles-or-scopes',
  title: 'refuses a token that carries neither roles nor scp for a route requiring Orders.Read',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }, { doc: 'APIM validate-jwt', section: 'TokenClaimNotFound (401)' }],
  covers: ['E23'],
  features: [],
  token: { omitClaims: ['roles', 'scp'] },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
