import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/two-host-headers',
  title: 'refuses with 400 a request with two Host header lines',
  // RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host line; the gateway and a
  // virtual-hosted upstream would otherwise pick different ones.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '3.2' },
    { doc: 'PortSwigger Web Security Academy', section: 'HTTP Host header attacks' },
  ],
  covers: ['X18'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', 'Host: internal.invalid', tokenLine(profile.token.headerName), requestIdLine(), 'Connection: close']);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'reject', status: 400 } }];
  },
});
