import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/issuer-upper-case-host',
  title: 'rejects a token whose iss is the trusted issuer with scheme and host in upper case (no canonicalisation)',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7519', section: '2 (StringOrURI: compared as strings)' },
  ],
  covers: ['E12'],
  features: [],
  token: (profile) => ({
    claims: { iss: profile.issuers[0].issuer.replace('{tenantid}', '{{claims.tid}}').replace(/^[a-z]+:\/\/[^/]+/i, (m) => m.toUpperCase()) },
  }),
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
