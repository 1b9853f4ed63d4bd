import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/double-encoded-dot-segments-climb-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through double-encoded dots (`%252e%252e/`)',
  // To RFC 3986 `%252e` is the three characters `%2e`; a backend that decodes twice (Apache httpd 2.4.50) reads a dot.
  // SHOULD: the hole needs a backend that decodes twice.
  level: 'should',
  references: [
    { doc: 'RFC 3986', section: '2.4' },
    { doc: 'CVE-2021-42013', section: 'Apache httpd path traversal with double encoding' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '%252e%252e', '/') }, expect: { outcome: 'either', guard: { readings: ['decode-repeatedly'] } } }];
  },
});
