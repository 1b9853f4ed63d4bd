import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/two-authorization-headers',
  title: 'refuses a request carrying the same valid token in two Authorization header lines with 400 invalid_request',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }],
  covers: ['A05'],
  features: [],
  request: { authorization: ['Bearer {token}', 'Bearer {token}'] },
  expect: { outcome: 'reject', status: 400, wwwAuthenticate: { error: 'invalid_request' }, upstream: 'untouched' },
});
