import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/connection-listed-on-second-connection-line',
  title: 'removes a header listed on the first of two Connection lines, not only those of the last',
  // Two Connection lines are one list (RFC 9110 §5.3); a proxy reading only one of them forwards what the
  // other named (RFC 9110 §7.6.1).
  level: 'must',
  references: [
    { doc: 'RFC 9110', section: '7.6.1' },
    { doc: 'RFC 9110', section: '5.3' },
  ],
  covers: ['X14'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), 'Connection: X-Hop-Only', 'Connection: keep-alive', 'X-Hop-Only: this hop']);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'accept', upstreamHeaders: { 'x-hop-only': null } } }];
  },
});
