import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/typ-id-token',
  title: 'accepts typ "id_token+jwt" only when the profile lists it',
  level: 'profile',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 7515', section: '4.1.9' },
    { doc: 'RFC 8725', section: '3.11' },
  ],
  covers: ['C18'],
  features: [],
  token: { header: { typ: 'id_token+jwt' } },
  expect: (profile) => {
    const norm = (t: string) => t.toLowerCase().replace(/^application\//, '');
    return profile.token.types.some((t) => norm(t) === norm('id_token+jwt')) ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' };
  },
});
