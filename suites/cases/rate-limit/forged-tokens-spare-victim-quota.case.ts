import { routePath } from '../../harness/build-request.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'rate-limit/forged-tokens-spare-victim-quota',
  title: "forged tokens naming a victim do not use up the victim's rate limit (key only on verified claims)",
  level: 'must',
  references: [{ doc: 'attacks.md', section: 'G: rate-limit keys derived from unverified tokens' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['G06', 'G03'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const route = profile.routes.find((r) => r.rateLimit && profile.rateLimits[r.rateLimit]);
    if (!route) return { skip: 'the profile declares no rate-limited route' };
    const limit = profile.rateLimits[route.rateLimit!];
    const victim = Object.fromEntries(limit.key.filter((k) => k !== 'iss' && k !== 'tid').map((k) => [k, 'gatecheck-victim-{{run.nonce}}']));
    const request = { path: routePath(route.path) };
    return [
      {
        // Signed by an attacker key under the real kid: every byte but the signature looks like the victim's.
        token: { key: 'attacker', header: { kid: '{{keys.primary}}' }, claims: victim },
        request,
        repeat: limit.limit + 1,
        expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } },
      },
      { token: { claims: victim }, request, expect: { outcome: 'accept' } },
    ];
  },
});
