import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/consumers-tenant-token',
  title: 'rejects a token issued for the consumers (MSA) tenant',
  level: 'must',
  references: [
    { doc: 'Entra v2-protocols-oidc', section: 'consumers tenant 9188040d-6c67-4c5b-b112-36a304b66dad' },
    { doc: 'RFC 8725', section: '3.8' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['E22'],
  features: [],
  token: { issuerTenant: '9188040d-6c67-4c5b-b112-36a304b66dad' },
  expect: (profile) =>
    profile.issuers.some((i) => i.tenants?.includes('9188040d-6c67-4c5b-b112-36a304b66dad'))
      ? { skip: 'consumers is allow-listed' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
