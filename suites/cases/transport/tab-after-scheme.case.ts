import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/tab-after-scheme',
  title: 'either accepts or refuses a token separated from the scheme by a TAB (outside the 1*SP grammar)',
  level: 'either',
  references: [{ doc: 'RFC 6750', section: '2.1' }],
  covers: ['A04'],
  features: [],
  request: { authorization: 'Bearer\t{token}' },
  expect: { outcome: 'either' },
});
