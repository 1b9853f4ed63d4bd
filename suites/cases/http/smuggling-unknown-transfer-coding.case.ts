import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-unknown-transfer-coding',
  title: 'never lets a request smuggled behind `Transfer-Encoding: xchunked` (a coding nobody knows) reach the upstream',
  // RFC 9112 §6.3: chunked is not the final coding, so 400 and close; a server matching `chunked` as a
  // substring (HAProxy's legacy mode) frames the body otherwise.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9112', section: '6.1' },
    { doc: 'CVE-2019-18277', section: 'HAProxy: Transfer-Encoding without chunked' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: ['Transfer-Encoding: xchunked', `Content-Length: ${rawLength(body)}`], body };
    }),
});
