import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/weak-rsa-key-in-jwks',
  title: 'rejects a token signed by a 1024-bit RSA key even when the IdP publishes that key',
  level: 'must',
  references: [
    { doc: 'RFC 7518', section: '3.3' },
    { doc: 'Wycheproof json_web_key_test', section: 'rejects1024bitRsaKey / rejectsPublicExponent1' },
  ],
  covers: ['B18'],
  features: ['idp-weak-key'],
  steps: () => ({ skip: 'the mock cannot yet publish a 1024-bit RSA key (needs a key-size option on the key API and an IdpAction)' }),
});
