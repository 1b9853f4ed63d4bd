import { routePath } from '../../harness/build-request.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'routing/upper-case-path',
  title: 'never serves a protected path written in upper case without a token',
  // No request without a token reaches a protected route's upstream (RFC 6749 §7: the resource server MUST
  // validate the access token), however the path or method is spelt.
  level: 'must',
  references: [{ doc: 'RFC 6749', section: '7' }, { doc: 'RFC 3986', section: '6.2.2.1' }, { doc: 'CVE-2019-9901', section: 'Envoy path normalisation' }],
  covers: ['X02'],
  features: [],
  steps: (profile) => {
    const locked = profile.routes.find((r) => r.auth === 'required');
    if (!locked) return { skip: 'the contract has no protected route' };
    return [{ request: { tokenIn: 'none', path: routePath(locked.path).toUpperCase() }, expect: { outcome: 'reject', status: [400, 401, 403, 404, 405], upstream: 'untouched' } }];
  },
});
