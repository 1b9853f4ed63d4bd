import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/scope-space-separated-list',
  title: 'accepts a delegated token whose scp lists another scope before the required one',
  // An acceptance the contract promises (it splits scp on spaces, RFC 6749 §3.3), not one an RFC demands
  // of every gateway: refusing it is an interoperability failure of the target's own contract.
  level: 'profile',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
    { doc: 'Entra access-token-claims-reference', section: 'scp is space-separated' },
    { doc: 'RFC 6749', section: '3.3' },
  ],
  covers: ['E25'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['scp'] });
    if ('skip' in probe) return probe;
    if (probe.requirement.separator !== ' ') return { skip: `the contract splits scp on ${JSON.stringify(probe.requirement.separator)}, not on spaces` };
    const scp = [valueOutside(profile, probe.requirement), ...grantedValues(probe)];
    return [{ token: { profile: 'entra-v2-user', ...onlyHolding(probe, scp) }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'accept', upstream: 'reached' } }];
  },
});
