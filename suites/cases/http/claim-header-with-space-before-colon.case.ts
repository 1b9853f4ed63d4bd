import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/claim-header-with-space-before-colon',
  title: 'refuses with 400 a request carrying a claim header with a space before the colon (`X-User-Id : admin`)',
  // RFC 9112 §5.1: a server MUST reject whitespace between a field name and its colon with 400. A proxy
  // that strips `x-user-id` by exact name and passes `x-user-id ` on hands a lenient upstream a forged identity.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '5.1' },
    { doc: 'CVE-2019-16869', section: 'Netty: whitespace before the colon' },
  ],
  covers: ['X17'],
  features: ['claim-headers'],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), `${profile.claimHeaders.userId} : admin`]);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'reject', status: 400, guard: { tokenOn: [0] } } }];
  },
});
