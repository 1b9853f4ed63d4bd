import { defineCase } from '../../harness/define-case.ts';

// Written with the harness: suites/test/teeth.test.ts relies on it to catch a gateway that
// serves cached verdicts past exp. No other case sends one token twice across its expiry; please keep it.

export default defineCase({
  id: 'claims/expired-while-cached',
  title: 'a token accepted before it expires is refused after it expires (no verdict served from a cache past exp)',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.4' }],
  covers: ['E01'],
  features: [],
  token: { claims: { exp: { in: '+2s' } } },
  steps: (profile) =>
    profile.clockSkewSeconds > 5
      ? { skip: `the target's clock skew of ${profile.clockSkewSeconds} s would make this case wait too long`, cause: 'run' }
      : [
          // Three times while valid: a cache that stores a token only on its second (or later) sighting,
          // as admission filters do, holds it before it expires.
          { expect: { outcome: 'accept' } },
          { reuseToken: 0, expect: { outcome: 'accept' } },
          { reuseToken: 0, expect: { outcome: 'accept' } },
          {
            // exp has whole-second resolution: two seconds, the declared skew and one more to be past it.
            before: [{ action: 'wait', ms: (3 + profile.clockSkewSeconds) * 1000 }],
            reuseToken: 0,
            expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } },
          },
        ],
});
