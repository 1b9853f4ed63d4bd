import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/websocket-upgrade-refused-then-unauthenticated-request',
  title: 'authorises a request that follows a websocket upgrade the upstream did not accept (no 101) on its own',
  // A switch of protocols happens only on 101 (RFC 9110 §15.2.2, RFC 6455 §4.1). A proxy that opens a
  // tunnel because the request asked to, whatever the upstream answered, pipes the next request on the
  // connection to the upstream unauthenticated. The echo upstream answers upgrades 200, as a REST backend does.
  level: 'must',
  references: [
    { doc: 'RFC 9110', section: '15.2.2' },
    { doc: 'RFC 9110', section: '7.8' },
    { doc: 'RFC 6455', section: '4.1' },
  ],
  covers: ['X15'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const upgrade = rawMessage(`GET ${target.path} HTTP/1.1`, [
      'Host: {host}',
      tokenLine(profile.token.headerName),
      requestIdLine(),
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ]);
    const next = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', requestIdLine(1)]);
    return [{ request: { path: target.path, raw: upgrade + next }, expect: { outcome: 'either', guard: { tokenOn: [0] } } }];
  },
});
