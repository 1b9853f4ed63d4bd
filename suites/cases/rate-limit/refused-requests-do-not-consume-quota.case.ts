import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'rate-limit/refused-requests-do-not-consume-quota',
  title: 'keeps alice\'s quota intact after her expired tokens were refused (only served requests count)',
  level: 'must',
  references: [
    { doc: 'APIM rate-limit-by-key' },
    { doc: 'APIM rate-limit-by-key', section: 'increment-condition on 2xx' },
  ],
  covers: ['G04'],
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
    const alice = as('g04-alice');
    const expired = { claims: { ...alice.claims, iat: { in: '-2h' }, nbf: { in: '-2h' }, exp: { in: '-1h' } } };
    return [
      { token: expired, request: { path }, repeat: limit.limit + 1, expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } },
      { token: alice, request: { path }, repeat: limit.limit, expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
});
