import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/v1-token-for-v2-api',
  title: 'rejects a v1 token (v1 issuer, App ID URI audience, appid) for the protected API when the contract trusts v2 issuers only',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'validate tokens' },
    { doc: 'Entra access-tokens', section: 'accessTokenAcceptedVersion' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['X04'],
  features: [],
  // The v1 token of the API the contract's audience names (the mock finds an API by app id or App ID URI).
  token: (profile) => ({ profile: 'entra-v1-app', api: profile.audiences[0] }),
  expect: (profile) =>
    profile.issuers.some((i) => !i.issuer.endsWith('/v2.0'))
      ? { skip: 'the contract trusts a v1 issuer (one not ending in /v2.0)' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
