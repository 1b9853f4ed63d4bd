import { defineCase } from '../../harness/define-case.ts';
import { rateLimitedRoute } from '../../harness/rate-limited-route.ts';

export default defineCase({
  id: 'rate-limit/forged-tokens-spare-victim-quota',
  title: "forged tokens naming a victim do not use up the victim's rate limit (key only on verified claims)",
  // No RFC MUST: kept because keying a limit on claims of tokens that failed verification lets any
  // unauthenticated client lock out a user of its choice (RFC 8725 §3.10: do not trust received claims).
  level: 'must',
  references: [{ doc: 'gatecheck attack catalogue', section: 'G06: rate-limit keys derived from unverified tokens' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['G06', 'G03'],
  features: ['rate-limit'],
  exclusive: true,
  steps: (profile) => {
    const limited = rateLimitedRoute(profile);
    if ('skip' in limited) return limited;
    const { limit, as } = limited;
    const victim = as('g06-victim');
    return [
      {
        // Signed by an attacker key under the real kid: every byte but the signature looks like the victim's,
        // and it comes from the victim's address where the limit is keyed on it.
        token: { key: 'attacker', header: { kid: '{{keys.primary}}' }, claims: victim.token.claims },
        request: victim.request,
        repeat: limit + 1,
        expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } },
      },
      { ...victim, expect: { outcome: 'accept' } },
    ];
  },
});
