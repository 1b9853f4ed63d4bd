import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/cnf-x5t-as-bearer',
  title: 'rejects a certificate-bound token (cnf x5t#S256) presented without mTLS when the gateway honours binding',
  level: 'profile',
  references: [
    { doc: 'RFC 9449', section: '7' },
    { doc: 'RFC 8705', section: '3' },
    { doc: 'OIDF fapi2-security-profile-final-dpop-negative-tests' },
  ],
  covers: ['E30'],
  features: [],
  token: { claims: { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } } },
  expect: (profile) =>
    profile.features.includes('reject-sender-constrained')
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'either' },
});
