import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/ps256-genuine-key',
  title: 'accepts a token genuinely signed with PS256 by the IdP key only when the profile allows PS256',
  level: 'profile',
  references: [
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'OIDF fapi1-advanced-final-client-test-invalid-alternate-alg' },
  ],
  covers: ['B09'],
  features: [],
  token: { header: { alg: 'PS256' } },
  expect: (profile) => {
    const allowed = profile.issuers.every((i) => i.algorithms.includes('PS256'));
    return allowed ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' };
  },
});
