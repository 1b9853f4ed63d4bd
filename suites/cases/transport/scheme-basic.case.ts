import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-basic',
  title: 'refuses a valid token sent under the Basic scheme',
  // RFC 6750 §2.1 defines the Bearer scheme but no RFC tells a resource server to refuse a genuine token
  // presented under another scheme; accepting it lets in no one the IdP did not authorise.
  level: 'should',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 9110', section: '11.4' }],
  covers: ['A03'],
  features: [],
  request: { authorization: 'Basic {token}' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
