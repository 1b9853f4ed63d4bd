import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/header-and-query-token',
  title: 'refuses a request carrying the token in both the Authorization header and the access_token query parameter',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['A06'],
  features: [],
  request: { query: [['access_token', '{token}']] },
  expect: { outcome: 'reject', status: 400, wwwAuthenticate: { error: 'invalid_request' }, upstream: 'untouched' },
});
