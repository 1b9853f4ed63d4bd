import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/form-body-token-on-get',
  title: 'refuses a GET whose only token is an access_token in a form-encoded body',
  // RFC 6750 §2.2 "the GET method MUST NOT be used" binds clients. A resource server that honours a genuine
  // token in a GET body lets in no one the IdP did not authorise, so refusing is recommended, not required.
  level: 'should',
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
