import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/es256-header-on-rsa-signature',
  title: 'rejects an RS256-signed token relabelled ES256 (a 256-byte signature where ES256 needs 64)',
  level: 'must',
  references: [
    { doc: 'Wycheproof json_web_signature_test', section: 'SignatureTooLong' },
    { doc: 'RFC 7518', section: '3.4' },
  ],
  covers: ['B16'],
  features: [],
  token: { tamper: [{ type: 'swap-header', header: { alg: 'ES256' } }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
