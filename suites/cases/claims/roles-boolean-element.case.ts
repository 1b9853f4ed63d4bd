import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/roles-boolean-element',
  title: 'refuses roles [true] for a route requiring Orders.Read',
  level: 'must',
  references: [{ doc: 'jwt_tool', section: '-M er' }],
  covers: ['E28'],
  features: [],
  token: { claims: { roles: [true] } },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
