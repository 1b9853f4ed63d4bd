import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'entra/app-only-write-role-on-post',
  title: 'accepts a POST from an app-only client holding the write role (positive control for POST)',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }],
  covers: ['X09'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'POST'));
    if (!route) return { skip: 'the profile has no protected POST route' };
    return [{ token: { client: 'orders-cert-daemon' }, request: { method: 'POST', path: route.path.replace(/\*$/, '') }, expect: { outcome: 'accept', upstream: 'reached' } }];
  },
});
