import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/dot-segment-with-path-parameter-climbs-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `..;/` (Tomcat and Spring read it as `..`)',
  // `..;` is a name to RFC 3986 (§3.3) and a dot segment to servlet containers that drop `;` parameters first.
  // SHOULD: the hole needs such a backend.
  level: 'should',
  references: [
    { doc: 'RFC 3986', section: '3.3' },
    { doc: 'CVE-2020-1957', section: 'Apache Shiro authentication bypass with ..;/' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '..;', '/') }, expect: { outcome: 'either', guard: { readings: ['path-parameters'] } } }];
  },
});
