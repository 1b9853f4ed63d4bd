import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/rotation-next-key-promoted',
  title: 'after a key rotation, tokens signed by the new primary and the still-published previous key are accepted',
  // Availability, not security: the target declares it fetches its keys from the IdP (key-rotation), so
  // accepting the rotated keys is what it promises; refusing them lets no forgery in. Not an RFC MUST.
  level: 'profile',
  references: [
    { doc: 'OIDF', section: 'oidcc-client-test-signing-key-rotation' },
    { doc: 'Microsoft identity platform', section: 'Signing key rollover' },
  ],
  covers: ['H05'],
  features: ['key-rotation'],
  steps: (profile) => [
    {
      // Earlier cases may have just spent the gateway's unknown-kid refetch; wait that out so the
      // new primary is judged on rotation alone, whatever ran before.
      before: [{ action: 'wait', ms: Math.min(profile.jwks?.unknownKidCooldownSeconds ?? 0, 5) * 1000 + 100 }, { action: 'rotate-keys' }],
      token: { key: 'primary' },
      expect: { outcome: 'accept' },
    },
    { token: { key: 'previous' }, expect: { outcome: 'accept' } },
  ],
});
