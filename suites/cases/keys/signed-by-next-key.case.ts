import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/signed-by-next-key',
  title: 'accepts a token signed by the published next key, as right after an Entra key rollover',
  level: 'must',
  references: [
    { doc: 'Entra signing-key-rollover' },
    { doc: 'OIDF oidcc-client-test-signing-key-rotation-just-before-signing' },
  ],
  covers: ['H05'],
  features: [],
  token: { key: 'next' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
