import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-lower-case',
  title: 'accepts a valid token sent with the scheme in lower case (bearer)',
  level: 'must',
  references: [
    { doc: 'RFC 9110', section: '11.1' },
    { doc: 'OIDF fapi2-security-profile-final-access-token-type-header-case-sensitivity' },
  ],
  covers: ['A02'],
  features: [],
  request: { authorization: 'bearer {token}' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
