import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'claims/post-with-read-role-only',
  title: 'answers 403 insufficient_scope to a POST whose token holds the read role only',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }],
  covers: ['E24'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'POST') && r.require);
    if (!route) return { skip: 'the profile has no protected POST route with a requirement' };
    return [{ token: { claims: { roles: ['Orders.Read'] } }, request: { method: 'POST', path: route.path.replace(/\*$/, '') }, expect: { outcome: 'reject', status: 403, wwwAuthenticate: { error: 'insufficient_scope', scope: true }, upstream: 'untouched' } }];
  },
});
