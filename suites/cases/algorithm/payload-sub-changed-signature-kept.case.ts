import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/payload-sub-changed-signature-kept',
  title: 'rejects a token whose sub and oid were rewritten to admin after signing',
  level: 'must',
  references: [
    { doc: 'PortSwigger Web Security Academy', section: 'JWT authentication bypass via unverified signature' },
    { doc: 'RFC 7515', section: '5.2' },
  ],
  covers: ['B20'],
  features: [],
  token: { tamper: [{ type: 'swap-payload', claims: { sub: 'admin', oid: 'admin' } }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
