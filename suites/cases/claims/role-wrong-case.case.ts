import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, holding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

/** The value with every letter's case flipped: `Orders.Read` → `oRDERS.rEAD`. */
const flipCase = (v: string) => [...v].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

export default defineCase({
  id: 'claims/role-wrong-case',
  title: 'refuses a token holding the required role or scope only in another letter case',
  // The contract names the exact values the route accepts (match any/all, no case folding); app roles
  // have no RFC case rule (RFC 9068 §2.2.3.1 defers to SCIM), and a value differing only in case exists only
  // if the API owner defines one: a promise of the target's contract, not a MUST of every gateway.
  level: 'profile',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
    { doc: 'RFC 6749', section: '3.3 (scope strings are case-sensitive)' },
  ],
  covers: ['E25'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile);
    if ('skip' in probe) return probe;
    const flipped = grantedValues(probe).map(flipCase);
    if (flipped.some((v) => probe.requirement.values.includes(v))) return { skip: 'the contract accepts the required value in both letter cases' };
    return [{ token: { claims: holding(probe, flipped) }, request: { method: probe.method, path: probe.path }, expect: probe.refusal }];
  },
});
