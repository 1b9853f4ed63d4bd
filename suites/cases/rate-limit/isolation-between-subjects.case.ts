import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'rate-limit/isolation-between-subjects',
  title: 'serves bob after alice exhausted her own limit',
  level: 'must',
  references: [{ doc: 'APIM rate-limit-by-key' }, { doc: 'APIM rate-limit-by-key', section: 'one counter per key value' }],
  covers: ['G03'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const route = profile.routes.find((r) => r.rateLimit && r.auth === 'required' && allowsMethod(r, 'GET'));
    const limit = route?.rateLimit ? profile.rateLimits[route.rateLimit] : undefined;
    if (!route || !limit) return { skip: 'no protected GET route with a rate limit' };
    if (limit.limit > 200) return { skip: `a limit of ${limit.limit} is too high to exhaust in a conformance run` };
    const keyed = limit.key.filter((k) => k !== 'iss' && k !== 'tid');
    if (keyed.length === 0) return { skip: 'the limit is keyed on the tenant only' };
    const as = (who: string) => ({ claims: Object.fromEntries(keyed.map((k) => [k, `gatecheck-${who}-{{run.nonce}}`])) });
    const path = route.path.replace(/\*$/, '');
    const alice = as('g03-alice');
    return [
      { token: alice, request: { path }, repeat: limit.limit, expect: { outcome: 'accept', upstream: 'reached' } },
      { token: alice, request: { path }, expect: { outcome: 'reject', status: 429, upstream: 'untouched', responseHeaders: { 'retry-after': /^\d+$/ } } },
      { token: as('g03-bob'), request: { path }, expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
});
