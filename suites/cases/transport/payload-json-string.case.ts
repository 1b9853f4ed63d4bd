import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/payload-json-string',
  title: 'refuses a correctly signed token whose payload is a JSON string',
  level: 'must',
  references: [
    { doc: 'RFC 7519', section: '7.2 (steps 4 and 10)' },
    { doc: 'mod_auth_openidc ChangeLog', section: '2026-08-12 top-level array' },
  ],
  covers: ['A14'],
  features: [],
  token: { rawPayload: '"claims"' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
