import { defineCase } from '../../harness/define-case.ts';
import { grantedValues, onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'entra/delegated-scope-without-role',
  title: 'accepts a delegated token granting the required scope through scp alone (the user holds no app role)',
  level: 'must',
  references: [
    { doc: 'Entra access-token-claims-reference' },
    { doc: 'Entra scopes-oidc', section: 'delegated permissions in scp' },
  ],
  covers: ['X09'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['scp'] });
    if ('skip' in probe) return probe;
    return [{ token: { profile: 'entra-v2-user', ...onlyHolding(probe, grantedValues(probe)) }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'accept', upstream: 'reached' } }];
  },
});
