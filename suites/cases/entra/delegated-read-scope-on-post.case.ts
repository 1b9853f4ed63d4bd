import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'entra/delegated-read-scope-on-post',
  title: 'answers 403 to a POST whose delegated token grants Orders.Read only',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['X09', 'E24'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'POST') && r.require);
    if (!route) return { skip: 'the profile has no protected POST route with a requirement' };
    return [{ token: { profile: 'entra-v2-user', user: 'bob@contoso.example' }, request: { method: 'POST', path: route.path.replace(/\*$/, '') }, expect: { outcome: 'reject', status: 403, wwwAuthenticate: { error: 'insufficient_scope', scope: true }, upstream: 'untouched' } }];
  },
});
