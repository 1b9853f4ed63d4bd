import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/absolute-form-protected-target',
  title: 'never serves a protected path without a token when the request target is in absolute form (`GET http://host/path`)',
  // RFC 9112 §3.2.2: a server MUST accept absolute-form; its path is the path. A gateway matching routes
  // on the target string finds none for `http://…` and may pass it on as unrouted.
  level: 'must',
  references: [{ doc: 'RFC 9112', section: '3.2.2' }],
  covers: ['X10'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const raw = rawMessage(`GET http://{host}${target.path} HTTP/1.1`, ['Host: {host}', requestIdLine(), 'Connection: close']);
    return [{ request: { path: target.path, tokenIn: 'none', raw }, expect: { outcome: 'either', guard: {} } }];
  },
});
