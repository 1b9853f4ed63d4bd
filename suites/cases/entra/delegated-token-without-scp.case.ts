import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';

export default defineCase({
  id: 'entra/delegated-token-without-scp',
  title: 'refuses a delegated token whose scp was removed, for a user holding no app role',
  // RFC 6749 §7: the resource server MUST ensure the token's scope covers the request (for app roles RFC
  // 9068 §4 only says SHOULD); MUST because a caller lacking what the route requires reaches the upstream.
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6749', section: '7' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['X09'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile);
    if ('skip' in probe) return probe;
    return [{ token: { profile: 'entra-v2-user', ...onlyHolding(probe, []), omitClaims: probe.requirement.claims }, request: { method: probe.method, path: probe.path }, expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' } }];
  },
});
