import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/roles-nested-array',
  title: 'refuses roles given as a nested array [["Orders.Read"]]',
  level: 'should',
  references: [{ doc: 'jwt_tool', section: '-M er' }],
  covers: ['E28'],
  features: [],
  token: { claims: { roles: [['Orders.Read']] } },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
