import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/h2c-upgrade-not-forwarded',
  title: 'does not forward an h2c upgrade (Upgrade: h2c, HTTP2-Settings) to the upstream',
  // Upgrade and HTTP2-Settings are hop-by-hop (RFC 9110 §7.8, §7.6.1); h2c upgrades are deprecated (RFC 9113
  // §3.1). An upstream that accepts one opens an HTTP/2 connection through the gateway, on which every
  // later request bypasses it. SHOULD: the tunnel needs an upstream that speaks h2c.
  level: 'should',
  references: [
    { doc: 'RFC 9110', section: '7.8' },
    { doc: 'RFC 9113', section: '3.1' },
    { doc: 'RFC 9110', section: '7.6.1' },
  ],
  covers: ['X15'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, [
      'Host: {host}',
      tokenLine(profile.token.headerName),
      requestIdLine(),
      'Connection: Upgrade, HTTP2-Settings',
      'Upgrade: h2c',
      'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
    ]);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'either', upstreamHeaders: { upgrade: null, 'http2-settings': null } } }];
  },
});
