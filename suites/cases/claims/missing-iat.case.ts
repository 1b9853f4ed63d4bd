import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/missing-iat',
  title: 'rejects an RFC 9068 token without iat when the profile requires iat; either outcome otherwise',
  level: 'profile',
  references: [{ doc: 'RFC 9068', section: '2.2' }],
  covers: ['E20'],
  features: [],
  token: { profile: 'rfc9068', omitClaims: ['iat'] },
  expect: (profile) =>
    profile.token.requiredClaims.includes('iat')
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      // Not required by the contract: refusing it anyway is stricter, never wrong (either outcome is reported).
      : { outcome: 'either' },
});
