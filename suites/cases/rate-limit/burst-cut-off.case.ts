import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'rate-limit/burst-cut-off',
  title: 'refuses the request after a concurrent burst that used up the limit',
  level: 'should',
  references: [
    { doc: 'APIM rate-limit-by-key' },
    { doc: 'APIM rate-limit-by-key', section: 'accuracy: never completely accurate' },
  ],
  covers: ['G05'],
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
    const token = as('g05-carol');
    return [
      { token, request: { path }, repeat: limit.limit + 2, concurrent: true, expect: { outcome: 'either' } },
      { token, request: { path }, expect: { outcome: 'reject', status: 429, upstream: 'untouched' } },
    ];
  },
});
