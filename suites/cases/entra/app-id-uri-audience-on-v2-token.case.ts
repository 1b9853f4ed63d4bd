import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/app-id-uri-audience-on-v2-token',
  title: 'accepts aud "api://orders-api" (the App ID URI) only when the profile lists it as an audience',
  level: 'profile',
  references: [
    { doc: 'Entra access-token-claims-reference' },
    { doc: 'Entra access-tokens', section: 'v2 aud is always the client id' },
  ],
  covers: ['X04', 'E19'],
  features: [],
  token: { claims: { aud: 'api://orders-api' } },
  expect: (profile) =>
    profile.audiences.includes('api://orders-api')
      ? { outcome: 'accept', upstream: 'reached' }
      : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
