import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

export default defineCase({
  id: 'rate-limit/refused-requests-do-not-consume-quota',
  title: 'keeps alice\'s quota intact after her expired tokens were refused (only served requests count)',
  // Counting refused attempts is a legitimate design (brute-force throttling), and only a holder of the
  // victim's own expired tokens can spend the quota this way: recommended, not MUST.
  level: 'should',
  references: [
    { doc: 'APIM rate-limit-by-key' },
    { doc: 'APIM rate-limit-by-key', section: 'increment-condition on 2xx' },
  ],
  covers: ['G04'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { limit, as } = limited;
    const alice = as('g04-alice');
    const expired = { claims: { ...alice.token.claims, iat: { in: '-2h' }, nbf: { in: '-2h' }, exp: { in: '-1h' } } };
    return [
      { token: expired, request: alice.request, repeat: limit + 1, expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } },
      { ...alice, repeat: limit, expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
});
