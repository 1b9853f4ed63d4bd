import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-chunked-and-content-length',
  title: 'never lets an unauthenticated request smuggled inside a chunk, past a short Content-Length (TE.CL), reach the upstream',
  // The chunk holds the smuggled request; Content-Length covers only the chunk-size line, so a server that
  // frames by Content-Length reads the smuggled bytes as the next request (RFC 9112 §6.1, §6.3).
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.1' },
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'PortSwigger Web Security Academy', section: 'HTTP request smuggling: TE.CL' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const sizeLine = `${rawLength(smuggled).toString(16)}\r\n`;
      return { lines: ['Transfer-Encoding: chunked', `Content-Length: ${rawLength(sizeLine)}`], body: `${sizeLine}${smuggled}\r\n0\r\n\r\n` };
    }),
});
