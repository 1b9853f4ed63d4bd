import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-upper-case',
  title: 'accepts a valid token sent with the scheme in upper case (BEARER)',
  // RFC 6750 §2: resource servers MUST support the Authorization header method, whose scheme token is
  // case-insensitive (RFC 9110 §11.1; quoted ABNF strings are case-insensitive, RFC 5234 §2.3).
  level: 'must',
  references: [
    { doc: 'RFC 6750', section: '2' },
    { doc: 'RFC 6750', section: '2.1' },
    { doc: 'RFC 9110', section: '11.1' },
    { doc: 'OIDF fapi2-security-profile-final-access-token-type-header-case-sensitivity' },
  ],
  covers: ['A02'],
  features: [],
  request: { authorization: 'BEARER {token}' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
