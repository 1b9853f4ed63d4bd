import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/typ-application-at-jwt',
  title: 'treats typ "application/at+jwt" like at+jwt (the application/ prefix may be omitted)',
  level: 'profile',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7515', section: '4.1.9' },
    { doc: 'RFC 8725', section: '3.11' },
  ],
  covers: ['C18'],
  features: [],
  token: { header: { typ: 'application/at+jwt' } },
  expect: (profile) => {
    const norm = (t: string) => t.toLowerCase().replace(/^application\//, '');
    return profile.token.types.some((t) => norm(t) === norm('application/at+jwt')) ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' };
  },
});
