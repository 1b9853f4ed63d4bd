import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/cae-revoked-session',
  title: 'refuses the CAE-capable tokens of a revoked session (sid) and keeps accepting the same user\'s tokens of another session',
  level: 'profile',
  references: [
    { doc: 'Entra concept-continuous-access-evaluation', section: 'critical event evaluation', url: 'https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation' },
    { doc: 'Entra claims-challenge', url: 'https://learn.microsoft.com/entra/identity-platform/claims-challenge' },
  ],
  covers: [],
  features: ['cae'],
  steps: [
    { token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'], sid: 'gatecheck-cae-session-revoked' } }, expect: { outcome: 'accept', upstream: 'reached' } },
    // Three times before the revocation: a cache that stores a token on a later sighting holds it too.
    { reuseToken: 0, expect: { outcome: 'accept', upstream: 'reached' } },
    { reuseToken: 0, expect: { outcome: 'accept', upstream: 'reached' } },
    { token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'], sid: 'gatecheck-cae-session-kept' } }, expect: { outcome: 'accept', upstream: 'reached' } },
    {
      before: [{ action: 'revoke-session', sid: 'gatecheck-cae-session-revoked' }],
      reuseToken: 0,
      expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'insufficient_claims' }, upstream: 'untouched' },
    },
    { reuseToken: 3, expect: { outcome: 'accept', upstream: 'reached' } },
  ],
  teardown: [{ action: 'clear-revocations' }],
});
