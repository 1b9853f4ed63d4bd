import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/connection-listed-field-not-forwarded',
  title: 'removes a header the client listed in Connection before forwarding',
  // RFC 9110 §7.6.1: an intermediary MUST remove the fields named in Connection, and the Connection field,
  // before forwarding: they were meant for this hop only.
  level: 'must',
  references: [{ doc: 'RFC 9110', section: '7.6.1' }],
  covers: ['X14'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), 'Connection: X-Hop-Only', 'X-Hop-Only: this hop']);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'accept', upstreamHeaders: { 'x-hop-only': null } } }];
  },
});
