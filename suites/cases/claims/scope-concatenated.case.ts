import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'claims/scope-concatenated',
  title: 'refuses a delegated token whose scp is the required scope with letters appended (no substring match)',
  level: 'must',
  references: [
    { doc: 'APIM validate-jwt', section: 'required-claims match/separator' },
    { doc: 'mod_auth_openidc', section: 'Require claim array matching' },
    { doc: 'RFC 6749', section: '3.3 (scope tokens are space-delimited)' },
    { doc: 'RFC 6749', section: '7' },
  ],
  covers: ['E25'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['scp'] });
    if ('skip' in probe) return probe;
    const longer = grantedValues(probe).map((v) => `${v}Write`);
    if (longer.some((v) => probe.requirement.values.includes(v))) return { skip: 'the contract accepts the longer scope too' };
    return [{ token: { profile: 'entra-v2-user', ...onlyHolding(probe, longer) }, request: { method: probe.method, path: probe.path }, expect: probe.refusal }];
  },
});
