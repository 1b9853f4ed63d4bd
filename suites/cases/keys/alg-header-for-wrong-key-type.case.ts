import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/alg-header-for-wrong-key-type',
  title: 'rejects ES256 claimed over the IdP\'s RSA key (key type does not fit the algorithm)',
  level: 'must',
  references: [{ doc: 'RFC 7517', section: '4.4' }, { doc: 'RFC 8725', section: '3.1' }],
  covers: ['B09'],
  features: [],
  token: { header: { alg: 'ES256' }, key: { type: 'ecdsa-zero-signature' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
