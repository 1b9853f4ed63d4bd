import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/unknown-kid',
  title: 'rejects a token signed by the primary key under a kid the JWKS does not have',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '4.1.4' },
    { doc: 'APIM validate-jwt', section: 'signing keys refetched at most once per 5 minutes' },
  ],
  covers: ['C10'],
  features: [],
  token: { header: { kid: 'gatecheck-unknown-kid' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
