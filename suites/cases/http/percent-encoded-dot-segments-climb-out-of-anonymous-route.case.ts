import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/percent-encoded-dot-segments-climb-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `%2e%2e/` to a protected path',
  // `%2e` is `.` (RFC 3986 §6.2.2.2: encoded unreserved characters are equivalent), so `%2e%2e` is a dot segment
  // every normalising backend removes (§5.2.4): the same path as `/../`.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '6.2.2.2' },
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2019-9901', section: 'Envoy path normalisation' },
  ],
  covers: ['X02', 'X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '%2e%2e', '/') }, expect: { outcome: 'either', guard: { readings: [] } } }];
  },
});
