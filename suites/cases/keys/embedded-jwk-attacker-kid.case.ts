import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/embedded-jwk-attacker-kid',
  title: 'rejects a token signed by an attacker key whose public JWK is embedded in the header',
  level: 'must',
  references: [
    { doc: 'CVE-2018-0114' },
    { doc: 'Wycheproof json_web_signature_test', section: 'rejectsAttackerProvidedEmbeddedJwk' },
    { doc: 'jwt_tool', section: '-X i' },
    { doc: 'RFC 8725', section: '3.10' },
  ],
  covers: ['C01'],
  features: [],
  token: { key: 'attacker', embed: ['jwk'] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
