import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/scheme-token',
  title: 'refuses a valid token sent under a "Token" scheme',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '2.1' }, { doc: 'RFC 6750', section: '3' }],
  covers: ['A03'],
  features: [],
  request: { authorization: 'Token {token}' },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
