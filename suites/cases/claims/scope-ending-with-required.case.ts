import { defineCase } from '../../harness/define-case.ts';
import { nearMissRequirement } from '../../harness/near-miss-requirement.ts';

export default defineCase({
  id: 'claims/scope-ending-with-required',
  title: 'answers 403 to a delegated token whose only scope ends with the required one (e.g. NotOrders.Read for Orders.Read)',
  level: 'must',
  references: [
    { doc: 'RFC 6749', section: '3.3' },
    { doc: 'RFC 6749', section: '7' },
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E24', 'E25'],
  features: [],
  // (value) => `Not${value}`DOC
  steps: (profile) => nearMissRequirement(profile, 'scp', (value) => `Not${value}`),
});
