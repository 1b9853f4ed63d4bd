import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';
import { routePath } from '../../harness/build-request.ts';

export default defineCase({
  id: 'entra/app-only-write-role-on-post',
  title: 'accepts a POST from an app-only token holding what the POST route requires (positive control for POST)',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }],
  covers: ['X09'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'POST') && !r.rateLimit);
    if (!route) return { skip: 'the contract has no protected POST route' };
    // The route's baseline token holds what the contract requires there.
    return [{ request: { method: 'POST', path: routePath(route.path) }, expect: { outcome: 'accept', upstream: 'reached' } }];
  },
});
