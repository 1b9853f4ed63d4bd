import { allowsMethod } from '../../harness/allows-method.ts';
import { routePath } from '../../harness/build-request.ts';
import { routeFor } from '../../harness/contract/route-for.ts';
import { defineCase } from '../../harness/define-case.ts';
import { grantedBy, methodBeyond } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/method-override-query-parameter',
  title: 'does not forward a `_method` query parameter turning an authorised POST into a method whose route needs more',
  // Symfony, Laravel and Express's method-override take `_method` as the method of a POST. SHOULD: the
  // hole needs such an upstream.
  level: 'should',
  references: [
    { doc: 'RFC 9110', section: '9.1' },
    { doc: 'OWASP REST Security Cheat Sheet', section: 'method override' },
  ],
  covers: ['X16'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && !r.product && !r.rateLimit && !r.methods.includes('*') && allowsMethod(r, 'POST') && routeFor(profile, 'POST', routePath(r.path)) === r);
    if (!route) return { skip: 'the contract has no protected POST route of its own' };
    const path = routePath(route.path);
    const method = methodBeyond(profile, path, grantedBy(route));
    if (!method || method === 'POST') return { skip: 'every method on the POST route is allowed to its token' };
    return [{ request: { method: 'POST', path, query: [['_method', method]], body: '', contentType: 'application/json' }, expect: { outcome: 'either', guard: { readings: ['overrides'] } } }];
  },
});
