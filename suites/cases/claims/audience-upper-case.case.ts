import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-upper-case',
  title: 'rejects a token whose aud is ours in upper case (exact string comparison)',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E19'],
  features: [],
  token: (profile) => ({ claims: { aud: profile.audiences[0].toUpperCase() === profile.audiences[0] ? `${profile.audiences[0]}-UPPER` : profile.audiences[0].toUpperCase() } }),
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
