import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/cnf-jkt-as-bearer',
  title: 'rejects a DPoP-bound token (cnf.jkt) presented as a plain bearer token when the gateway honours binding',
  level: 'profile',
  references: [
    { doc: 'RFC 9449', section: '7' },
    { doc: 'RFC 8705', section: '3' },
    { doc: 'OIDF fapi2-security-profile-final-dpop-negative-tests' },
  ],
  covers: ['E30'],
  features: [],
  token: { claims: { cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } } },
  expect: (profile) =>
    profile.features.includes('reject-sender-constrained')
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'either' },
});
