import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/request-target-override-headers-from-anonymous-route',
  title: 'does not forward X-Original-URL or X-Rewrite-URL naming a protected path on a request to an anonymous route',
  // IIS URL Rewrite and Symfony before 2018 served the path these headers name instead of the request
  // line's. SHOULD: the hole needs such a backend.
  level: 'should',
  references: [
    { doc: 'CVE-2018-14773', section: 'Symfony: X-Original-URL and X-Rewrite-URL override the path' },
    { doc: 'RFC 9110', section: '7.1' },
  ],
  covers: ['X16'],
  features: [],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const headers: [string, string][] = [['X-Original-URL', target.path], ['X-Rewrite-URL', target.path]];
    return [{ request: { tokenIn: 'none', path: start.path, headers }, expect: { outcome: 'either', guard: { readings: ['overrides'] } } }];
  },
});
