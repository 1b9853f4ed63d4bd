import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/roles-object',
  title: 'refuses the required roles given as an object {"<role>": true}',
  level: 'should',
  references: [{ doc: 'jwt_tool', section: '-M er' }, { doc: 'RFC 9068', section: '2.2.3.1 (roles is an array of strings)' }],
  covers: ['E28'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    const roles = Object.fromEntries(grantedValues(probe).map((v) => [v, true]));
    return [{ token: { ...onlyHolding(probe, []), claims: { roles } }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
