import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/claim-header-folded-onto-previous-line',
  title: 'never lets a claim header written as a folded continuation line (obs-fold) reach the upstream as a header of its own',
  // RFC 9112 §5.2: a server MUST reject obs-fold with 400, or replace it with spaces (the claim header then
  // being part of the previous field's value) before interpreting or forwarding the message.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '5.2' },
    { doc: 'CVE-2022-32215', section: 'Node.js: multi-line header fields' },
  ],
  covers: ['X17'],
  features: ['claim-headers'],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), 'X-Trace: 1', ` ${profile.claimHeaders.userId}: admin`]);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'either', upstreamHeaders: { '@userId': '{claims.oid}' }, guard: { tokenOn: [0] } } }];
  },
});
