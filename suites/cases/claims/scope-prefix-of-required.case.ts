import { defineCase } from '../../harness/define-case.ts';
import { nearMissRequirement } from '../../harness/near-miss-requirement.ts';

export default defineCase({
  id: 'claims/scope-prefix-of-required',
  title: 'answers 403 to a delegated token whose only scope is the required one without its last character (e.g. Orders.Rea for Orders.Read)',
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
  // (value) => value.slice(0, -1)DOC
  steps: (profile) => nearMissRequirement(profile, 'scp', (value) => value.slice(0, -1)),
});
