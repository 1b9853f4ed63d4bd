import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/header-and-query-token',
  title: 'refuses a request carrying the token in both the Authorization header and the access_token query parameter with 400 invalid_request',
  // RFC 6750 §2's "MUST NOT use more than one method" binds clients; to a resource server §3.1 says the
  // request SHOULD be answered 400 invalid_request. A validator that reads the header only is not wrong.
  level: 'should',
  references: [{ doc: 'RFC 6750', section: '3.1' }, { doc: 'RFC 6750', section: '2' }],
  covers: ['A06'],
  features: [],
  request: { query: [['access_token', '{token}']] },
  expect: { outcome: 'reject', status: 400, wwwAuthenticate: { error: 'invalid_request' }, upstream: 'untouched' },
});
