import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/roles-as-string',
  title: 'either accepts or refuses roles given as the string "Orders.Read" instead of an array, and reports which',
  level: 'either',
  references: [
    { doc: 'jwt_tool', section: '-M er' },
    { doc: 'APIM policy expressions', section: 'Jwt.Claims returns string[]' },
  ],
  covers: ['E28'],
  features: [],
  token: { claims: { roles: 'Orders.Read' } },
  expect: { outcome: 'either' },
});
