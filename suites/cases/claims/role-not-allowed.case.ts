import { defineCase } from '../../harness/define-case.ts';
import { holding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/role-not-allowed',
  title: 'refuses a token whose roles and scopes hold only a value the route does not accept',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [
    { doc: 'RFC 6749', section: '7' },
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'APIM validate-jwt', section: 'TokenClaimValueNotAllowed' },
    { doc: 'Apigee VerifyJWT', section: 'InvalidClaim' },
  ],
  covers: ['E24'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile);
    if ('skip' in probe) return probe;
    return [{ token: { claims: holding(probe, valueOutside(profile, probe.requirement)) }, request: { method: probe.method, path: probe.path }, expect: probe.refusal }];
  },
});
