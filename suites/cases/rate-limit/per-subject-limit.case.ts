import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

export default defineCase({
  id: 'rate-limit/per-subject-limit',
  title: 'one caller gets exactly its limit, then 429 with Retry-After, and the upstream sees no more',
  // No RFC speaks of rate limits: the target declares the limit and its key, and this case holds it to them.
  level: 'profile',
  references: [{ doc: 'APIM rate-limit-by-key' }, { doc: 'RFC 6585', section: '4' }],
  covers: ['G01'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { limit, as } = limited;
    const caller = as('g01-caller');
    return [
      { ...caller, repeat: limit, expect: { outcome: 'accept' } },
      { ...caller, expect: { outcome: 'reject', status: 429, responseHeaders: { 'retry-after': /^\d+$/ } } },
    ];
  },
});
