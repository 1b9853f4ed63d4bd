import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-other-scheme',
  title: 'rejects a token whose iss is the trusted issuer with http and https swapped',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.1' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E12'],
  features: [],
  token: (profile) => {
    const iss = profile.issuers[0].issuer.replace('{tenantid}', '{{claims.tid}}');
    return { claims: { iss: iss.startsWith('https:') ? iss.replace(/^https:/, 'http:') : iss.replace(/^http:/, 'https:') } };
  },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
