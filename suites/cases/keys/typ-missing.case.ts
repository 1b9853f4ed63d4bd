import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/typ-missing',
  title: 'accepts a token without typ only when the profile does not require typ',
  level: 'profile',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7515', section: '4.1.9' },
    { doc: 'RFC 8725', section: '3.11' },
  ],
  covers: ['C18'],
  features: [],
  token: { omitHeader: ['typ'] },
  expect: (profile) =>
    profile.token.requireType
      ? { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' }
      : { outcome: 'accept', upstream: 'reached' },
});
