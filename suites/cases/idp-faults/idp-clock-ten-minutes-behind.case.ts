import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/idp-clock-ten-minutes-behind',
  title: 'accepts tokens from an IdP whose clock runs 10 minutes behind (still within their lifetime)',
  // Availability, not security: the tokens are genuine and within their lifetime, and no RFC requires a
  // resource server to accept any particular token; refusing them lets no forgery in.
  level: 'should',
  references: [{ doc: 'APIM validate-jwt', section: 'clock-skew' }, { doc: 'RFC 7519', section: '4.1.4' }],
  covers: ['H14'],
  features: ['idp-faults'],
  exclusive: true,
  setup: [{ action: 'clock', offsetSeconds: -600 }],
  expect: { outcome: 'accept', upstream: 'reached' },
  teardown: [{ action: 'clock', offsetSeconds: 0 }],
});
