import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/post-with-read-role-only',
  title: 'refuses a POST whose app-only token holds only a role the POST route does not accept (another route\'s role)',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }],
  covers: ['E24'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { method: 'POST' });
    if ('skip' in probe) return probe;
    return [{ token: { ...onlyHolding(probe, valueOutside(profile, probe.requirement)) }, request: { method: 'POST', path: probe.path }, expect: probe.refusal }];
  },
});
