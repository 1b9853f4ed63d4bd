import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/trailing-dot-after-signature',
  title: 'refuses a token with a trailing dot after the signature (h.p.s.)',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'rejectsExtraComponent / rejectsMissing*' },
  ],
  covers: ['A11'],
  features: [],
  token: { tamper: [{ type: 'wrap', suffix: '.' }] },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
