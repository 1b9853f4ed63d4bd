import { defineCase } from '../../harness/define-case.ts';
import { probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/no-roles-or-scopes',
  title: 'refuses a token that carries none of the claims the route\'s role or scope requirement reads',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [{ doc: 'RFC 6749', section: '7' }, { doc: 'RFC 6750', section: '3.1' }, { doc: 'APIM validate-jwt', section: 'TokenClaimNotFound (401)' }],
  covers: ['E23'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile);
    if ('skip' in probe) return probe;
    return [{ token: { omitClaims: probe.requirement.claims }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
