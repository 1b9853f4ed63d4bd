import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-content-length-and-chunked',
  title: 'never lets an unauthenticated request smuggled past Content-Length inside a chunked body (CL.TE) reach the upstream',
  // RFC 9112 §6.1: a sender MUST NOT send Content-Length with Transfer-Encoding; §6.3: a server receiving both
  // ought to treat it as an error, and an intermediary forwarding it MUST drop the Content-Length first.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.1' },
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'PortSwigger Web Security Academy', section: 'HTTP request smuggling: CL.TE' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: [`Content-Length: ${rawLength(body)}`, 'Transfer-Encoding: chunked'], body };
    }),
});
