import { defineCase } from '../../harness/define-case.ts';
import { onlyHolding, probedRequirement } from '../../harness/contract/probed-requirement.ts';
import { valueOutside } from '../../harness/contract/value-outside.ts';

export default defineCase({
  id: 'claims/duplicate-roles-last-without-required',
  title: 'refuses a signed token whose roles appear twice, the first copy holding the required role and the last not',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4 (duplicate claim names: reject, or lexically last wins)' },
    { doc: 'RFC 8259', section: '4' },
  ],
  covers: ['X01'],
  features: [],
  steps: (profile) => {
    const probe = probedRequirement(profile, { claims: ['roles'] });
    if ('skip' in probe) return probe;
    // The first copy is the baseline's (a role the route accepts); a parser that keeps the first one grants it.
    return [
      {
        token: { ...onlyHolding(probe, probe.requirement.values), duplicateClaims: { roles: [valueOutside(profile, probe.requirement)] } },
        request: { method: probe.method, path: probe.path },
        expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
      },
    ];
  },
});
