import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/trailing-space',
  title: 'either accepts or refuses a token followed by a trailing space (HTTP may trim it as OWS)',
  level: 'either',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 9110', section: '5.5' }],
  covers: ['A04'],
  features: [],
  request: { authorization: 'Bearer {token} ' },
  expect: { outcome: 'either' },
});
