import { routePath } from '../../harness/build-request.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'rate-limit/per-subject-limit',
  title: 'one caller gets exactly its limit, then 429 with Retry-After, and the upstream sees no more',
  level: 'must',
  references: [{ doc: 'APIM rate-limit-by-key' }, { doc: 'RFC 6585', section: '4' }],
  covers: ['G01'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const route = profile.routes.find((r) => r.rateLimit && profile.rateLimits[r.rateLimit]);
    if (!route) return { skip: 'the profile declares no rate-limited route' };
    const limit = profile.rateLimits[route.rateLimit!];
    // A fresh identity per run: a counter left over from an earlier run must not decide this one.
    const claims = Object.fromEntries(limit.key.filter((k) => k !== 'iss' && k !== 'tid').map((k) => [k, 'gatecheck-rl-{{run.nonce}}']));
    const request = { path: routePath(route.path) };
    return [
      { token: { claims }, request, repeat: limit.limit, expect: { outcome: 'accept' } },
      { token: { claims }, request, expect: { outcome: 'reject', status: 429, responseHeaders: { 'retry-after': /^\d+$/ } } },
    ];
  },
});
