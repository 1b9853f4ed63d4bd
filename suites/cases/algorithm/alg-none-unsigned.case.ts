import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/alg-none-unsigned',
  title: 'rejects an unsecured token (alg "none", empty signature)',
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'CVE-2015-2951' },
  ],
  covers: ['B01'],
  features: [],
  token: { key: 'none' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } },
});
