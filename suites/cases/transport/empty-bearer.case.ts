import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/empty-bearer',
  title: 'refuses "Bearer" followed by nothing',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6749', section: '7' }],
  covers: ['X07'],
  features: [],
  request: { authorization: 'Bearer ' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
