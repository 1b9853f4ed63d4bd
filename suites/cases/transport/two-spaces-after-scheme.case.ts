import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/two-spaces-after-scheme',
  title: 'accepts a valid token separated from the scheme by two spaces (grammar allows 1*SP)',
  level: 'should',
  references: [{ doc: 'RFC 6750', section: '2.1' }],
  covers: ['A04'],
  features: [],
  request: { authorization: 'Bearer  {token}' },
  expect: { outcome: 'accept', upstream: 'reached' },
});
