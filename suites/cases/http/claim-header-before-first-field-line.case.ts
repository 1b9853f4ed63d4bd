import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/claim-header-before-first-field-line',
  title: 'never lets a whitespace-led claim header line between the request line and the first field reach the upstream',
  // RFC 9112 §2.2: whitespace between the start-line and the first field line MUST be rejected, or each such
  // line consumed without being processed. A proxy that trims it forwards a forged identity header.
  level: 'must',
  references: [{ doc: 'RFC 9112', section: '2.2' }],
  covers: ['X17'],
  features: ['claim-headers'],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const raw = rawMessage(`GET ${start.path} HTTP/1.1`, [` ${profile.claimHeaders.userId}: admin`, 'Host: {host}', requestIdLine()]);
    return [{ request: { path: start.path, tokenIn: 'none', raw }, expect: { outcome: 'either', upstreamHeaders: { '@userId': null }, guard: {} } }];
  },
});
