import { defineCase } from '../../harness/define-case.ts';
import { nearMissRequirement } from '../../harness/near-miss-requirement.ts';

export default defineCase({
  id: 'claims/role-other-case-of-required',
  title: 'answers 403 to a token whose only role is the required one in another letter case (e.g. orders.read for Orders.Read)',
  // The contract names the exact values the route accepts (match any/all, no case folding); app roles
  // have no RFC case rule (RFC 9068 §2.2.3.1 defers to SCIM), and a value differing only in case exists only
  // if the API owner defines one: a promise of the target's contract, not a MUST of every gateway.
  level: 'profile',
  references: [
    { doc: 'RFC 9068', section: '2.2.3.1' },
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E24', 'E25'],
  features: [],
  // (value) => (value.toLowerCase() !== value ? value.toLowerCase() : value.toUpperCase())DOC
  steps: (profile) => nearMissRequirement(profile, 'roles', (value) => (value.toLowerCase() !== value ? value.toLowerCase() : value.toUpperCase())),
});
