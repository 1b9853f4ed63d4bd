import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/v1-token-for-v2-api',
  title: 'rejects a v1 token (v1 issuer, App ID URI audience, appid) for an API that accepts v2 tokens',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'validate tokens' },
    { doc: 'Entra access-tokens', section: 'accessTokenAcceptedVersion' },
  ],
  covers: ['X04'],
  features: [],
  token: { profile: 'entra-v1-app', api: 'orders-api' },
  expect: (profile) =>
    profile.audiences.includes('api://orders-api') && profile.issuers.some((i) => !i.issuer.endsWith('/v2.0'))
      ? { skip: 'the profile trusts v1 issuers and the App ID URI' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
