import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'entra/scope-name-in-roles-of-wrong-api',
  title: 'refuses an app-only token whose only role is a role of another API of the tenant',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6749', section: '7' }],
  covers: ['X09', 'E24'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    // The tenant's v1 API (legacy-api) defines this role; no route of the demo contract accepts it.
    const foreign = 'Legacy.Read';
    if (probe.requirement.values.includes(foreign)) return { skip: `the contract accepts ${foreign} on this route` };
    return [{ token: { ...onlyHolding(probe, foreign) }, request: { method: probe.method, path: probe.path }, expect: probe.refusal }];
  },
});
