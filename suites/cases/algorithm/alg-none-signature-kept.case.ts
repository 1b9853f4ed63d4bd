import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/alg-none-signature-kept',
  title: 'rejects a token switched to alg none after signing, with the RS256 signature kept',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    { doc: 'CVE-2015-2951' },
    { doc: 'jwt_tool', section: '-X a' },
    { doc: 'jwt_tool playbook', section: 'alg none with original signature' },
  ],
  covers: ['B03'],
  features: [],
  token: { tamper: [{ type: 'swap-header', header: { alg: 'none' } }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
