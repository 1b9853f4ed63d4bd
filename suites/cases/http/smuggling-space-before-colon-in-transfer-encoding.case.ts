import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-space-before-colon-in-transfer-encoding',
  title: 'never lets a request smuggled behind `Transfer-Encoding : chunked` (space before the colon) reach the upstream',
  // RFC 9112 §5.1: a server MUST reject whitespace between a field name and its colon with 400; parsers that
  // trimmed it (Netty, Node.js) read chunked where the other side read Content-Length.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '5.1' },
    { doc: 'CVE-2019-16869', section: 'Netty: whitespace before the colon' },
    { doc: 'CVE-2021-22959', section: 'Node.js: spaces in header names' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: ['Transfer-Encoding : chunked', `Content-Length: ${rawLength(body)}`], body };
    }),
});
