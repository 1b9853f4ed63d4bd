import { defineCase } from '../../harness/define-case.ts';
import { climb, routesWithDifferentRequirements } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/dot-segments-between-routes-with-different-requirements',
  title: "never serves another route's path through `/../` with a token that only the first route accepts",
  // `/first/../second` is `/second` (RFC 3986 §5.2.4): authorised by the first route's requirement and
  // served as the second, a token without the second's role or scope gets through.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '5.2.4' },
    { doc: 'CVE-2019-9901', section: 'Envoy path normalisation' },
  ],
  covers: ['X11'],
  features: [],
  steps: (profile) => {
    const pair = routesWithDifferentRequirements(profile);
    if ('skip' in pair) return pair;
    return [{ request: { path: climb(pair.from.path, pair.to.path, '..', '/') }, expect: { outcome: 'either', guard: {} } }];
  },
});
