import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/fully-encoded-traversal-climbs-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `%2e%2e%2f` to a protected path',
  // Dots and slash all encoded: one segment to a gateway that does not decode, a climb to a backend that does.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '2.2' },
    { doc: 'RFC 3986', section: '6.2.2.2' },
    { doc: 'CVE-2021-29492', section: 'Envoy: escaped slashes bypass path-based access control' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '%2e%2e', '%2f') }, expect: { outcome: 'either', guard: { readings: ['decode'] } } }];
  },
});
