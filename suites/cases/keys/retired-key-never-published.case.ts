import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/retired-key-never-published',
  title: 'rejects a token signed by a retired key that the JWKS no longer publishes',
  level: 'must',
  references: [{ doc: 'RFC 9068', section: '4' }, { doc: 'Entra signing-key-rollover' }, { doc: 'RFC 7517', section: '5' }],
  covers: ['H06'],
  features: [],
  token: { key: 'retired' },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
