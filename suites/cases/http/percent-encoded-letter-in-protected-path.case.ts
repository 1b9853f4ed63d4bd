import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/percent-encoded-letter-in-protected-path',
  title: 'never serves a protected path without a token when one of its letters is percent-encoded (`%61` for `a`)',
  // RFC 3986 §6.2.2.2: an encoded unreserved character is the character. A gateway comparing the
  // encoded form finds no protected route; the upstream decodes and serves the protected path.
  level: 'must',
  references: [
    { doc: 'RFC 3986', section: '6.2.2.2' },
    { doc: 'RFC 3986', section: '2.3' },
  ],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const at = target.path.search(/[A-Za-z]/);
    if (at === -1) return { skip: 'the protected path has no letter to encode' };
    const encoded = `${target.path.slice(0, at)}%${target.path.charCodeAt(at).toString(16)}${target.path.slice(at + 1)}`;
    return [{ request: { tokenIn: 'none', path: encoded }, expect: { outcome: 'either', guard: {} } }];
  },
});
