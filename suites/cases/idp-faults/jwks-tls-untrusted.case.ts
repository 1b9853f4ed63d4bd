import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-tls-untrusted',
  title: 'refuses to load keys from a JWKS endpoint with a self-signed or wrong-host certificate',
  level: 'must',
  references: [
    { doc: 'mod_auth_openidc', section: 'OIDCOAuthSSLValidateServer (default On)' },
    { doc: 'RFC 9110', section: '4.3.4' },
  ],
  covers: ['H10'],
  features: ['idp-faults', 'idp-tls-faults'],
  exclusive: true,
  steps: () => ({ skip: 'the mock cannot yet switch its certificate at run time' }),
});
