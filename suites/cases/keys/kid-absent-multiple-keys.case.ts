import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-absent-multiple-keys',
  title: 'follows the profile for a token without kid when the JWKS holds several keys: try each key or refuse',
  level: 'profile',
  references: [
    { doc: 'OIDF oidcc-client-test-kid-absent-multiple-jwks' },
    { doc: 'jwt_verify_lib', section: 'tries all keys' },
  ],
  covers: ['C12'],
  features: [],
  token: { omitHeader: ['kid', 'x5t'] },
  // Not graded weaker when tried against every key: kid is OPTIONAL (RFC 7515 §4.1.4), and RFC 9068 §5 has
  // resource servers "accept signatures performed with any of the keys published" by the issuer.
  expect: (profile) =>
    profile.token.kidAbsent === 'try-all'
      ? { outcome: 'accept', upstream: 'reached' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
