import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/scope-as-array',
  title: 'either accepts or refuses a delegated scp given as an array of the required scopes, and reports which',
  level: 'either',
  references: [{ doc: 'jwt_tool', section: '-M er' }, { doc: 'RFC 8693', section: '4.2' }],
  covers: ['E28'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['scp'] });
    if ('skip' in probe) return probe;
    return [{ token: { profile: 'entra-v2-user', ...onlyHolding(probe, []), claims: { scp: grantedValues(probe) } }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'either' } }];
  },
});
