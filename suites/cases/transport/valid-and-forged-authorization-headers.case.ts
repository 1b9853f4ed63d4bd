import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/valid-and-forged-authorization-headers',
  title: 'refuses a request carrying a valid token and a forged alg-none token in two Authorization lines',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }],
  covers: ['A05'],
  features: [],
  request: {
    authorization: [
      'Bearer {token}',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbIk9yZGVycy5SZWFkIiwiT3JkZXJzLldyaXRlIl19.',
    ],
  },
  expect: { outcome: 'reject', status: 400, wwwAuthenticate: { error: 'invalid_request' }, upstream: 'untouched' },
});
