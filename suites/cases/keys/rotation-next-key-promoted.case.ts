import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/rotation-next-key-promoted',
  title: 'after a key rotation, tokens signed by the new primary and the still-published previous key are accepted',
  level: 'must',
  references: [
    { doc: 'OIDF', section: 'oidcc-client-test-signing-key-rotation' },
    { doc: 'Microsoft identity platform', section: 'Signing key rollover' },
  ],
  covers: ['H05'],
  features: ['key-rotation'],
  setup: [{ action: 'rotate-keys' }],
  steps: [
    { token: { key: 'primary' }, expect: { outcome: 'accept' } },
    { token: { key: 'previous' }, expect: { outcome: 'accept' } },
  ],
});
