import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/scope-as-array',
  title: 'either accepts or refuses a delegated scp given as an array, and reports which',
  level: 'either',
  references: [{ doc: 'jwt_tool', section: '-M er' }, { doc: 'RFC 8693', section: '4.2' }],
  covers: ['E28'],
  features: [],
  token: { profile: 'entra-v2-user', user: 'bob@contoso.example', claims: { scp: ['Orders.Read'] } },
  expect: { outcome: 'either' },
});
