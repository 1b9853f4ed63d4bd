import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/payload-roles-escalated-signature-kept',
  title: 'rejects a token whose roles were extended after signing',
  level: 'must',
  references: [{ doc: 'PortSwigger Web Security Academy', section: 'JWT authentication bypass via unverified signature' }, { doc: 'RFC 7515', section: '5.2' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['B20'],
  features: [],
  // Every role the contract knows, and one more: what an attacker would write in.
  token: (profile) => ({
    tamper: [{ type: 'swap-payload', claims: { roles: [...new Set([...profile.routes.flatMap((r) => r.require?.values ?? []), 'Gatecheck.Admin'])] } }],
  }),
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
