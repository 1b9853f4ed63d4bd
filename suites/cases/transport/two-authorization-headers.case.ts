import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/two-authorization-headers',
  title: 'refuses a request carrying the same valid token in two Authorization header lines with 400 invalid_request',
  // The same token twice confuses no one; RFC 9110 §5.3 forbids the sender to repeat a non-list field,
  // and RFC 6750 §3.1 says a resource server SHOULD answer a malformed request 400 invalid_request.
  level: 'should',
  references: [{ doc: 'RFC 6750', section: '3.1' }, { doc: 'RFC 9110', section: '5.3' }],
  covers: ['A05'],
  features: [],
  request: { authorization: ['Bearer {token}', 'Bearer {token}'] },
  expect: { outcome: 'reject', status: 400, wwwAuthenticate: { error: 'invalid_request' }, upstream: 'untouched' },
});
