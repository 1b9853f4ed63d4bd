import { defineCase } from '../../harness/define-case.ts';
import { nearMissRequirement } from '../../harness/near-miss-requirement.ts';

export default defineCase({
  id: 'claims/role-prefix-of-required',
  title: 'answers 403 to a token whose only role is the required one without its last character (e.g. Orders.Rea for Orders.Read)',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '2.2.3.1' },
    { doc: 'RFC 6749', section: '7' },
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E24', 'E25'],
  features: [],
  // (value) => value.slice(0, -1)DOC
  steps: (profile) => nearMissRequirement(profile, 'roles', (value) => value.slice(0, -1)),
});
