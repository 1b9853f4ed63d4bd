import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/connection-lists-claim-headers',
  title: 'still forwards the verified claim headers when the client lists their names in Connection',
  // RFC 9110 §7.6.1 removes the fields the client listed, which are the client's; the gateway's own claim
  // headers come after. Removed with them, the upstream sees an authorised request with no identity
  // (Apache and Traefik lost their X-Forwarded-* headers this way).
  level: 'profile',
  references: [
    { doc: 'RFC 9110', section: '7.6.1' },
    { doc: 'CVE-2022-31813', section: 'Apache mod_proxy: X-Forwarded-* removed through Connection' },
    { doc: 'CVE-2024-45410', section: 'Traefik: X-Forwarded-* removed through Connection' },
  ],
  covers: ['X14'],
  features: ['claim-headers'],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const { userId, tenantId } = profile.claimHeaders;
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), `Connection: close, ${userId}, ${tenantId}`]);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'accept', upstreamHeaders: { '@userId': '{claims.oid}', '@tenantId': '{claims.tid}' } } }];
  },
});
