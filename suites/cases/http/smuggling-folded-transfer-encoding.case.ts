import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-folded-transfer-encoding',
  title: 'never lets a request smuggled behind a Transfer-Encoding folded onto the next line (obs-fold) reach the upstream',
  // RFC 9112 §5.2: a server MUST reject obs-fold with 400 or replace it with spaces before interpreting the
  // field; llhttp once read a folded Transfer-Encoding differently from its peers.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '5.2' },
    { doc: 'CVE-2022-32215', section: 'Node.js: multi-line Transfer-Encoding' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: ['Transfer-Encoding:', ' chunked', `Content-Length: ${rawLength(body)}`], body };
    }),
});
