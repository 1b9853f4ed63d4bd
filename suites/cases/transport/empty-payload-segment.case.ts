import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/empty-payload-segment',
  title: 'refuses a token whose payload segment is empty (h..s)',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '7.2' },
    { doc: 'Wycheproof json_web_signature_test', section: 'rejectsExtraComponent / rejectsMissing*' },
  ],
  covers: ['A11'],
  features: [],
  token: { rawPayload: '' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
