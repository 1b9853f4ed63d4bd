import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/duplicate-query-token',
  title: 'refuses a request whose query carries access_token twice',
  // The same token twice confuses no one. RFC 6750 §3.1 lists "repeats the same parameter" under
  // invalid_request, which a resource server SHOULD answer with 400; no RFC makes the refusal a MUST.
  level: 'should',
  references: [
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'RFC 6750', section: '2.3' },
    { doc: 'mod_auth_openidc ChangeLog', section: '2026-08-12 reject duplicated access_token' },
    { doc: 'Kong jwt handler', section: 'Multiple tokens provided' },
  ],
  covers: ['A10'],
  features: [],
  request: { tokenIn: 'none', query: [['access_token', '{token}'], ['access_token', '{token}']] },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
