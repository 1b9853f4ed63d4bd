import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/bare-token-without-scheme',
  title: 'refuses a valid token sent as the whole Authorization value, without a scheme',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6750', section: '3' }],
  covers: ['A03'],
  features: [],
  request: { authorization: '{token}' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
