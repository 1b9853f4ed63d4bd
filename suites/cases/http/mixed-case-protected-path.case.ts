import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/mixed-case-protected-path',
  title: 'never serves a protected path without a token when its letters change case (case-insensitive backends)',
  // Paths are case-sensitive (RFC 3986 §6.2.2.1 folds only scheme and host); IIS and ASP.NET routing are
  // not. SHOULD: the hole needs such a backend.
  level: 'should',
  references: [{ doc: 'RFC 3986', section: '6.2.2.1' }],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const flipped = [...target.path].map((ch, i) => (i % 2 === 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');
    if (flipped === target.path) return { skip: 'the protected path has no letter whose case can change' };
    return [{ request: { tokenIn: 'none', path: flipped }, expect: { outcome: 'either', guard: { readings: ['case'] } } }];
  },
});
