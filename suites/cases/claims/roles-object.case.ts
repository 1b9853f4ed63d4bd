import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/roles-object',
  title: 'refuses roles given as an object {"Orders.Read": true}',
  level: 'should',
  references: [{ doc: 'jwt_tool', section: '-M er' }],
  covers: ['E28'],
  features: [],
  token: { claims: { roles: { 'Orders.Read': true } } },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
