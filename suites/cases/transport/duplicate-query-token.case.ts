import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/duplicate-query-token',
  title: 'refuses a request whose query carries access_token twice',
  level: 'must',
  references: [
    { doc: 'RFC 6750', section: '3.1' },
    { doc: 'mod_auth_openidc ChangeLog', section: '2026-08-12 reject duplicated access_token' },
    { doc: 'Kong jwt handler', section: 'Multiple tokens provided' },
  ],
  covers: ['A10'],
  features: [],
  request: { tokenIn: 'none', query: [['access_token', '{token}'], ['access_token', '{token}']] },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
