import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/encoded-slash-climbs-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `..%2f` to a protected path',
  // An encoded slash is data to RFC 3986 (§2.2) and a separator to every backend that decodes before routing:
  // the gateway must refuse the path, or route it by the path such a backend serves. Envoy had exactly this hole.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '2.2' },
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2021-29492', section: 'Envoy: escaped slashes bypass path-based access control' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '..', '%2f') }, expect: { outcome: 'either', guard: { readings: ['decode'] } } }];
  },
});
