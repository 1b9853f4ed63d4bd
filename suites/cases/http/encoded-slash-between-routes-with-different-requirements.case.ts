import { defineCase } from '../../harness/define-case.ts';
import { climb, routesWithDifferentRequirements } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/encoded-slash-between-routes-with-different-requirements',
  title: "never serves another route's path through `..%2f` with a token that only the first route accepts",
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '2.2' },
    { doc: 'CVE-2021-29492', section: 'Envoy: escaped slashes bypass path-based access control' },
  ],
  covers: ['X11'],
  features: [],
  steps: (profile) => {
    const pair = routesWithDifferentRequirements(profile);
    if ('skip' in pair) return pair;
    return [{ request: { path: climb(pair.from.path, pair.to.path, '..', '%2f') }, expect: { outcome: 'either', guard: { readings: ['decode'] } } }];
  },
});
