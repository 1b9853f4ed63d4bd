import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/jti-replay',
  title: 'refuses a second use of the same token when the contract declares a jti replay cache; either outcome otherwise',
  level: 'profile',
  references: [{ doc: 'RFC 7519', section: '4.1.7' }],
  covers: ['E29'],
  features: [],
  token: { profile: 'rfc9068' },
  steps: (profile) => [
    { expect: { outcome: 'accept', upstream: 'reached' } },
    // Without a declared replay cache a second use may still be refused: stricter, never wrong.
    { reuseToken: 0, expect: profile.features.includes('jti-replay-cache') ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } : { outcome: 'either' } },
  ],
});
