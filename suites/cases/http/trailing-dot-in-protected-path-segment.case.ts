import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/trailing-dot-in-protected-path-segment',
  title: 'never serves a protected path without a token when its first segment ends in a dot (Windows drops it)',
  // `api.` is another name than `api` to RFC 3986 (§3.3), the same file to Windows and IIS. SHOULD: the
  // hole needs such a backend.
  level: 'should',
  references: [{ doc: 'RFC 3986', section: '3.3' }],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const [, first, ...rest] = target.path.split('/');
    return [{ request: { tokenIn: 'none', path: ['', `${first}.`, ...rest].join('/') }, expect: { outcome: 'either', guard: { readings: ['trailing-dots'] } } }];
  },
});
