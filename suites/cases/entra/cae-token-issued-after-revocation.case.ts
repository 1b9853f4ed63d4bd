import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/cae-token-issued-after-revocation',
  title: 'after a user\'s sessions are revoked, refuses the CAE-capable token issued before and accepts the one issued after (the token the claims challenge asks for)',
  level: 'profile',
  references: [
    { doc: 'Entra app-resilience-continuous-access-evaluation', url: 'https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation' },
    { doc: 'Entra claims-challenge', url: 'https://learn.microsoft.com/entra/identity-platform/claims-challenge' },
  ],
  covers: [],
  features: ['cae'],
  setup: [{ action: 'revoke-user', user: 'alice@contoso.example' }],
  steps: [
    // Issued five minutes before the revocation, still unexpired.
    {
      token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'], iat: { in: '-5m' } } },
      expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'insufficient_claims' }, upstream: 'untouched' },
    },
    // Issued now, after the revocation: what signing in again gives the user.
    { token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'] } }, expect: { outcome: 'accept', upstream: 'reached' } },
  ],
  teardown: [{ action: 'clear-revocations' }],
});
