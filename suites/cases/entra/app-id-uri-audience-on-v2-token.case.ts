import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { isApplicationId } from '../../harness/contract/is-application-id.ts';
import { defineCase } from '../../harness/define-case.ts';


export default defineCase({
  id: 'entra/app-id-uri-audience-on-v2-token',
  title: 'accepts a v2 token whose aud is the API\'s App ID URI only when the contract lists that form as an audience',
  level: 'profile',
  references: [
    { doc: 'Entra access-token-claims-reference' },
    { doc: 'Entra access-tokens', section: 'v2 aud is always the client id' },
  ],
  covers: ['X04', 'E19'],
  features: [],
  // Entra v2 tokens always carry the application id; the App ID URI form is what a v1-minded policy expects.
  token: (profile) => ({ claims: { aud: profile.audiences.find((a) => !isApplicationId(a)) ?? '{{api.appIdUri}}' } }),
  expect: (profile) =>
    profile.audiences.some((a) => !isApplicationId(a))
      ? { outcome: 'accept', upstream: 'reached' }
      : audienceRefusal(profile),
});
