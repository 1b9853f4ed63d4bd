import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/four-segments',
  title: 'refuses a token with a fourth segment appended (h.p.s.s)',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'rejectsExtraComponent / rejectsMissing*' },
  ],
  covers: ['A11'],
  features: [],
  token: { tamper: [{ type: 'segments', count: 4 }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
