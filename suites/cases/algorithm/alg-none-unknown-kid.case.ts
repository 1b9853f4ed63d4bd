import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/alg-none-unknown-kid',
  title: 'rejects an unsecured token (alg "none") whose kid the JWKS does not have, so the key lookup finds nothing',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7515', section: '4.1.4' },
    { doc: 'CVE-2015-2951' },
  ],
  covers: ['B01', 'C10'],
  features: [],
  token: { key: 'none', header: { kid: 'gatecheck-unknown-kid-alg-none' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
