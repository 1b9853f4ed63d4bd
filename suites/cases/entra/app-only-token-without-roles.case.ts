import { defineCase } from '../../harness/define-case.ts';
import { probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'entra/app-only-token-without-roles',
  title: 'refuses an app-only token of a client granted no application permissions',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6749', section: '7' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['X09', 'E23'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    // A client of the tenant holding no app role on the API: its genuine token has no roles claim.
    return [{ token: { client: 'no-roles-daemon', omitClaims: probe.requirement.claims }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
