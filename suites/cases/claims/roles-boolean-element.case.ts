import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/roles-boolean-element',
  title: 'refuses roles [true] on a route that requires a role',
  // Like roles-nested-array and roles-object: only the IdP can sign roles [true], and it never issues one;
  // no attacker can present it, and no RFC fixes how a malformed roles claim is treated.
  level: 'should',
  references: [{ doc: 'jwt_tool', section: '-M er' }, { doc: 'RFC 9068', section: '2.2.3.1 (roles is an array of strings)' }],
  covers: ['E28'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    return [{ token: { ...onlyHolding(probe, [true]) }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
