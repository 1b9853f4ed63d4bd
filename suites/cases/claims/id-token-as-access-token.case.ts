import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/id-token-as-access-token',
  title: 'rejects a genuine ID token (aud = client id, nonce) presented as an access token',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.12' },
    { doc: 'RFC 8725', section: '2.8' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['E21'],
  features: [],
  token: { profile: 'id-token' },
  expect: audienceRefusal,
});
