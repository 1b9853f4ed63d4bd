import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/bare-token-without-scheme',
  title: 'refuses a valid token sent as the whole Authorization value, without a scheme, unless the profile makes the scheme optional',
  // The token itself is genuine and fully validated either way; what varies is whether the gateway
  // promised RFC 6750's scheme (APIM validate-jwt without require-scheme takes a bare token).
  level: 'profile',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6750', section: '3' }, { doc: 'APIM validate-jwt', section: 'require-scheme' }],
  covers: ['A03'],
  features: [],
  request: { authorization: '{token}' },
  expect: (profile) =>
    profile.token.scheme === 'bearer-optional'
      ? { outcome: 'accept', upstream: 'reached' }
      : { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
