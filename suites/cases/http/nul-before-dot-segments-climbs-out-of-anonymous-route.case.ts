import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/nul-before-dot-segments-climbs-out-of-anonymous-route',
  title: 'never lets a request without a token reach a protected path as the anonymous route followed by `%00/../`',
  // A gateway that reads the path as a C string sees only the anonymous route; every RFC 3986 backend
  // removes the dot segments (§5.2.4) and serves the protected path.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'RFC 3986', section: '2.1' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(`${start.path}%00`, target.path, '..', '/') }, expect: { outcome: 'either', guard: { readings: ['nul'] } } }];
  },
});
