import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/two-credentials-in-one-header',
  title: 'refuses one Authorization value holding two comma-separated Bearer credentials',
  // The same valid token twice: RFC 6750 §2.1 allows one b64token after the scheme, and §3.1 says a malformed
  // request SHOULD be answered 400 invalid_request. Nothing reaches the upstream that the IdP did not sign.
  level: 'should',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6750', section: '3.1' }, { doc: 'RFC 9110', section: '11.6.2' }],
  covers: ['X07', 'A05'],
  features: [],
  request: { authorization: 'Bearer {token}, Bearer {token}' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
