import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

export default defineCase({
  id: 'rate-limit/isolation-between-subjects',
  title: 'serves bob after alice exhausted her own limit',
  level: 'must',
  references: [{ doc: 'APIM rate-limit-by-key' }, { doc: 'APIM rate-limit-by-key', section: 'one counter per key value' }],
  covers: ['G03'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { path, limit, as } = limited;
    const alice = as('g03-alice');
    return [
      { token: alice, request: { path }, repeat: limit, expect: { outcome: 'accept', upstream: 'reached' } },
      { token: alice, request: { path }, expect: { outcome: 'reject', status: 429, upstream: 'untouched', responseHeaders: { 'retry-after': /^\d+$/ } } },
      { token: as('g03-bob'), request: { path }, expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
});
