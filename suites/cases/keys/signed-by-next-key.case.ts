import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/signed-by-next-key',
  title: 'accepts a token signed by the published next key, as right after an Entra key rollover',
  // Availability, not security: the next key is in the JWKS the contract trusts (RFC 9068 §4: the keys the AS
  // provides), so accepting is what the target promises; refusing lets no forgery in. Not an RFC MUST.
  level: 'profile',
  references: [
    { doc: 'Entra signing-key-rollover' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'OIDF oidcc-client-test-signing-key-rotation-just-before-signing' },
  ],
  covers: ['H05'],
  features: [],
  token: { key: 'next' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
