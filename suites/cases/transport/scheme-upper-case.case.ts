import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-upper-case',
  title: 'accepts a valid token sent with the scheme in upper case (BEARER)',
  level: 'must',
  references: [
    { doc: 'RFC 9110', section: '11.1' },
    { doc: 'OIDF fapi2-security-profile-final-access-token-type-header-case-sensitivity' },
  ],
  covers: ['A02'],
  features: [],
  request: { authorization: 'BEARER {token}' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
