import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/form-body-token-on-get',
  title: 'refuses a GET whose only token is an access_token in a form-encoded body',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2.2' }],
  covers: ['A08'],
  features: [],
  request: {
    method: 'GET',
    tokenIn: 'none',
    body: 'access_token={token}',
    contentType: 'application/x-www-form-urlencoded',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
