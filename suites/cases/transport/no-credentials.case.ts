import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/no-credentials',
  title: 'answers a request without credentials with 401 and a bare Bearer challenge (no error code)',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['A01'],
  features: [],
  request: { tokenIn: 'none' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: null }, upstream: 'untouched' },
});
