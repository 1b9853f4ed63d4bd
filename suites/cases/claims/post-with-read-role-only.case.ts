import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/post-with-read-role-only',
  title: 'refuses a POST whose app-only token holds only a role the POST route does not accept (another route\'s role)',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [{ doc: 'RFC 6749', section: '7' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['E24'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { method: 'POST' });
    if ('skip' in probe) return probe;
    return [{ token: { ...onlyHolding(probe, valueOutside(profile, probe.requirement)) }, request: { method: 'POST', path: probe.path }, expect: probe.refusal }];
  },
});
