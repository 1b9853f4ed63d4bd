import { defineCase } from '../../harness/define-case.ts';

/** Beyond a day of declared skew the token would have to be minted absurdly far in the past. */
const MAX_SKEW_SECONDS = 86_400;

export default defineCase({
  id: 'claims/expired-within-skew-while-cached',
  title: 'a token accepted inside the declared clock skew is refused once past exp plus the skew, even from a cache, whatever the skew',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.4' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['E01', 'E02'],
  features: [],
  // Whatever skew S the target declares, the token's exp lies S - 2 s in the past: accepted now only
  // thanks to the skew, and past exp + S three seconds later. So the wait stays short, and a verified-token
  // cache that lets entries live longer than exp + S (the skew counted twice, or not at all) is caught
  // on targets whose skew makes claims/expired-while-cached too slow to run.
  steps: (profile) => {
    const skew = profile.clockSkewSeconds;
    if (skew > MAX_SKEW_SECONDS) return { skip: `a clock skew of ${skew} s is more than a day` };
    const exp = 2 - Math.floor(skew);
    const issued = exp - 3600;
    return [
      { token: { claims: { exp: { in: `${exp}s` }, iat: { in: `${issued}s` }, nbf: { in: `${issued}s` } } }, expect: { outcome: 'accept' } },
      // Three times while valid: a cache that stores a token only on a later sighting holds it too.
      { reuseToken: 0, expect: { outcome: 'accept' } },
      { reuseToken: 0, expect: { outcome: 'accept' } },
      {
        // exp has whole-second resolution: the two seconds left, and one more to be past exp + skew.
        before: [{ action: 'wait', ms: 3000 }],
        reuseToken: 0,
        expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
      },
    ];
  },
});
