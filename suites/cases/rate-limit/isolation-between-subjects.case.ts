import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

export default defineCase({
  id: 'rate-limit/isolation-between-subjects',
  title: 'serves bob after alice exhausted her own limit',
  // No RFC speaks of rate limits: the target declares the limit and its key, and this case holds it to them.
  level: 'profile',
  references: [{ doc: 'APIM rate-limit-by-key' }, { doc: 'APIM rate-limit-by-key', section: 'one counter per key value' }],
  covers: ['G03'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { limit, as } = limited;
    const alice = as('g03-alice');
    return [
      { ...alice, repeat: limit, expect: { outcome: 'accept', upstream: 'reached' } },
      { ...alice, expect: { outcome: 'reject', status: 429, upstream: 'untouched', responseHeaders: { 'retry-after': /^\d+$/ } } },
      { ...as('g03-bob'), expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
});
