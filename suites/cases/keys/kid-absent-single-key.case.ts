import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-absent-single-key',
  title: 'accepts a token without kid when the JWKS holds a single key',
  level: 'profile',
  references: [{ doc: 'OIDF oidcc-client-test-kid-absent-single-jwks' }, { doc: 'RFC 7515', section: '4.1.4' }],
  covers: ['C11'],
  features: [],
  token: { omitHeader: ['kid', 'x5t'] },
  expect: (profile) =>
    profile.token.kidAbsent === 'try-all'
      ? { outcome: 'accept', upstream: 'reached' }
      : { skip: 'the mock always publishes two keys (primary and next); a one-key JWKS needs an IdpAction that removes keys' },
});
