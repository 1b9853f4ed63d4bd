import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/five-segments-shaped-like-jwe',
  title: 'rejects a signed token padded out to five segments, shaped like a JWE',
  level: 'must',
  references: [{ doc: 'RFC 7516', section: '7.1' }, { doc: 'RFC 7519', section: '7.2' }],
  covers: ['D01'],
  features: [],
  token: { tamper: [{ type: 'segments', count: 5 }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
