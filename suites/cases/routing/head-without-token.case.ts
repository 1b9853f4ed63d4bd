import { routePath } from '../../harness/build-request.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'routing/head-without-token',
  title: 'never serves HEAD on a protected path without a token',
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2019-9901', section: 'Envoy path normalisation' },
    { doc: 'RFC 9110', section: '9.3.2' },
  ],
  covers: ['X02'],
  features: [],
  steps: (profile) => {
    const locked = profile.routes.find((r) => r.auth === 'required');
    if (!locked) return { skip: 'the contract has no protected route' };
    return [{ request: { method: 'HEAD', tokenIn: 'none', path: routePath(locked.path) }, expect: { outcome: 'reject', status: [400, 401, 403, 404, 405], upstream: 'untouched' } }];
  },
});
