import { defineCase } from '../../harness/define-case.ts';

/** The base64 of `{"access_token":` that every claims challenge for an access token starts with. */
const CLAIMS_CHALLENGE = /(^|[\s,])claims="eyJhY2Nlc3NfdG9rZW4i[A-Za-z0-9+/=_-]*"/;

export default defineCase({
  id: 'entra/cae-revoked-user-token',
  title: 'once a user\'s sessions are revoked, refuses the CAE-capable token (xms_cc cp1) it accepted before with a claims challenge (401 insufficient_claims), and accepts the user\'s token issued after',
  level: 'profile',
  references: [
    { doc: 'Entra concept-continuous-access-evaluation', section: 'critical event evaluation', url: 'https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation' },
    { doc: 'Entra app-resilience-continuous-access-evaluation', url: 'https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation' },
    { doc: 'Entra claims-challenge', url: 'https://learn.microsoft.com/entra/identity-platform/claims-challenge' },
  ],
  covers: [],
  features: ['cae'],
  steps: [
    // Accepted three times before the revocation, so a gateway that caches verified tokens holds it,
    // also one that stores a token only on a later sighting.
    { token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'] } }, expect: { outcome: 'accept', upstream: 'reached' } },
    { reuseToken: 0, expect: { outcome: 'accept', upstream: 'reached' } },
    { reuseToken: 0, expect: { outcome: 'accept', upstream: 'reached' } },
    {
      before: [{ action: 'revoke-user', user: 'alice@contoso.example' }],
      reuseToken: 0,
      expect: {
        outcome: 'reject',
        status: 401,
        wwwAuthenticate: { error: 'insufficient_claims' },
        responseHeaders: { 'www-authenticate': CLAIMS_CHALLENGE },
        upstream: 'untouched',
      },
    },
    // Issued after the revocation: what signing in again gives the user, and what the challenge asks for.
    { token: { profile: 'entra-v2-user', user: 'alice@contoso.example', claims: { xms_cc: ['cp1'] } }, expect: { outcome: 'accept', upstream: 'reached' } },
  ],
  teardown: [{ action: 'clear-revocations' }],
});
