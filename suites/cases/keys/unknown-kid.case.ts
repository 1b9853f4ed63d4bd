import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/unknown-kid',
  title: 'rejects a token signed by the primary key under a kid the JWKS does not have',
  // The token is genuinely signed by the IdP's primary key and kid is only a hint (RFC 7515 §4.1.4): a
  // gateway that finds the verifying key another way lets in no one the IdP did not sign for, so this is
  // no RFC MUST. A contract that selects keys by kid (kidAbsent 'reject', the default) promises the refusal;
  // one that tries every key may accept. A forged signature under an unknown kid stays MUST:
  // algorithm/flipped-signature-bit-unknown-kid.
  level: 'profile',
  references: [
    { doc: 'RFC 7515', section: '4.1.4' },
    { doc: 'APIM validate-jwt', section: 'signing keys refetched at most once per 5 minutes' },
  ],
  covers: ['C10'],
  features: [],
  token: { header: { kid: 'gatecheck-unknown-kid' } },
  expect: (profile) =>
    profile.token.kidAbsent === 'try-all'
      ? { outcome: 'either' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
