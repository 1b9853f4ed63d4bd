import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/half-encoded-dot-segments-climb-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `.%2e/` to a protected path',
  // Half-encoded dots slipped past Apache httpd 2.4.49's traversal check; to RFC 3986 they are a dot segment all the same.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '6.2.2.2' },
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2021-41773', section: 'Apache httpd path traversal with .%2e' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '.%2e', '/') }, expect: { outcome: 'either', guard: { readings: [] } } }];
  },
});
