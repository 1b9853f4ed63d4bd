import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/dot-segments-after-a-dot-name-climb-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `.well-known/../../`',
  // Plain dot segments after a name that starts with a dot: RFC 3986 §5.2.4 removes them like any other.
  // The WHATWG URL parser in Node 22 leaves every dot segment after such a name in place, so a gateway
  // normalising with `new URL()` matches the anonymous route and forwards a path the upstream resolves
  // to the protected one.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2019-9901', section: 'Envoy path normalisation' },
  ],
  covers: ['X10', 'X02'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(`${start.path}/.well-known`, target.path, '..', '/') }, expect: { outcome: 'either', guard: {} } }];
  },
});
