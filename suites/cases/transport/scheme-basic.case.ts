import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-basic',
  title: 'refuses a valid token sent under the Basic scheme',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6750', section: '3' }],
  covers: ['A03'],
  features: [],
  request: { authorization: 'Basic {token}' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
