import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/roles-as-string',
  title: 'either accepts or refuses the required role given as a string instead of an array, and reports which',
  level: 'either',
  references: [
    { doc: 'jwt_tool', section: '-M er' },
    { doc: 'APIM policy expressions', section: 'Jwt.Claims returns string[]' },
  ],
  covers: ['E28'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    const values = grantedValues(probe);
    if (values.length > 1) return { skip: 'the route requires several roles at once; one string cannot hold them' };
    return [{ token: { ...onlyHolding(probe, values), claims: { roles: values[0] } }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'either' } }];
  },
});
