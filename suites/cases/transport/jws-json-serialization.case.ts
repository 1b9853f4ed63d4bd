import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/jws-json-serialization',
  title: 'refuses a bearer value in JWS JSON serialization instead of compact form',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '7.2' }, { doc: 'RFC 7519', section: '1' }, { doc: 'RFC 7515', section: '7.2' }],
  covers: ['X07'],
  features: [],
  request: {
    authorization: 'Bearer {"protected":"eyJhbGciOiJSUzI1NiJ9","payload":"eyJzdWIiOiJhZG1pbiJ9","signature":"AAAA"}',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
