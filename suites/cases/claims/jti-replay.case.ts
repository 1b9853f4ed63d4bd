import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/jti-replay',
  title: 'accepts the same token twice unless the profile declares a jti replay cache',
  level: 'profile',
  references: [{ doc: 'RFC 7519', section: '4.1.7' }],
  covers: ['E29'],
  features: [],
  token: { profile: 'rfc9068' },
  steps: (profile) => [
    { expect: { outcome: 'accept', upstream: 'reached' } },
    { reuseToken: 0, expect: profile.features.includes('jti-replay-cache') ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' } : { outcome: 'accept', upstream: 'reached' } },
  ],
});
