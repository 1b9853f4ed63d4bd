import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/exp-equals-now',
  title: 'rejects a token whose exp is the current second when the profile has no clock skew (now must be before exp)',
  level: 'profile',
  references: [
    { doc: 'RFC 7519', section: '4.1.4' },
    { doc: 'mod_auth_openidc src/proto/jwt.c', section: 'now > exp accepts exp == now' },
  ],
  covers: ['E02'],
  features: [],
  steps: (profile) => [
    {
      // Minted at the start of a second, so the request arrives while exp is still "now". Minted late in a
      // second, it would arrive after exp and be refused even by a gateway that accepts exp == now.
      before: [{ action: 'wait', untilNextSecond: true }],
      token: { claims: { exp: { in: '0s' } } },
      expect:
        profile.clockSkewSeconds === 0
          ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
          : { outcome: 'accept', upstream: 'reached' },
    },
  ],
});
