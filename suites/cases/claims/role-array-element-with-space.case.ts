import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/role-array-element-with-space',
  title: 'refuses a token whose single role element is "<other role> <required role>" (array elements are not split)',
  level: 'should',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
  ],
  covers: ['E25'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    const element = [valueOutside(profile, probe.requirement), ...grantedValues(probe)].join(' ');
    return [{ token: { ...onlyHolding(probe, [element]) }, request: { method: probe.method, path: probe.path }, expect: probe.refusal }];
  },
});
