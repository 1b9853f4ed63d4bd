import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/backslash-dot-segments-climb-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `..\\` (a separator to Windows backends)',
  // A backslash is no URI character (RFC 3986 §2); Windows, IIS and WHATWG URL parsers take it for `/`.
  // SHOULD: the hole needs such a backend.
  level: 'should',
  references: [
    { doc: 'RFC 3986', section: '2' },
    { doc: 'CVE-2021-29492', section: 'Envoy: escaped slashes bypass path-based access control' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '..', '\\') }, expect: { outcome: 'either', guard: { readings: ['backslash'] } } }];
  },
});
