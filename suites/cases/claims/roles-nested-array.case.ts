import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/roles-nested-array',
  title: 'refuses the required roles given as a nested array [["…"]]',
  level: 'should',
  references: [{ doc: 'jwt_tool', section: '-M er' }, { doc: 'RFC 9068', section: '2.2.3.1 (roles is an array of strings)' }],
  covers: ['E28'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    return [{ token: { ...onlyHolding(probe, [grantedValues(probe)]) }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
