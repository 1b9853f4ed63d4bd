import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/crit-unknown-extension',
  title: 'rejects a token whose crit names an extension the gateway does not understand',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '4.1.11' },
    { doc: 'GHSA-752w-5fwx-jx9f', section: 'PyJWT crit' },
    { doc: 'CVE-2025-59420', section: 'Authlib crit' },
    { doc: 'Apigee VerifyJWT', section: 'UnhandledCriticalHeader' },
  ],
  covers: ['C14'],
  features: [],
  token: { header: { crit: ['exp-ext'], 'exp-ext': 1 } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
