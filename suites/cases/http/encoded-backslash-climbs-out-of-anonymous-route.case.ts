import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, climb, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/encoded-backslash-climbs-out-of-anonymous-route',
  title: 'never lets a request without a token climb out of an anonymous route through `..%5c` to a protected path',
  // `%5C` decodes to a backslash, a path separator to Windows and IIS backends (and to WHATWG URL parsers).
  // SHOULD: unlike an encoded slash, the hole needs a backend that takes a backslash for `/`.
  level: 'should',
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
    return [{ request: { tokenIn: 'none', path: climb(start.path, target.path, '..', '%5c') }, expect: { outcome: 'either', guard: { readings: ['decode',  'backslash'] } } }];
  },
});
