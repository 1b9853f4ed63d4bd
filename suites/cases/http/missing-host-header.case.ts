import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/missing-host-header',
  title: 'refuses with 400 an HTTP/1.1 request without a Host header',
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request that lacks a Host header field.
  level: 'must',
  references: [{ doc: 'RFC 9112', section: '3.2' }],
  covers: ['X18'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, [tokenLine(profile.token.headerName), requestIdLine(), 'Connection: close']);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'reject', status: 400 } }];
  },
});
