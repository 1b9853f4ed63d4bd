import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

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
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { limit, as } = limited;
    const carol = as('g05-carol');
    return [
      { ...carol, repeat: limit + 2, concurrent: true, expect: { outcome: 'either' } },
      { ...carol, expect: { outcome: 'reject', status: 429, upstream: 'untouched' } },
    ];
  },
});
