import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-two-transfer-encoding-lines',
  title: 'never lets a request smuggled behind two Transfer-Encoding lines (`chunked`, then `identity`) reach the upstream',
  // The two lines make one list, `chunked, identity` (RFC 9110 §5.3): chunked is not final, so 400 and close
  // (RFC 9112 §6.3); servers that read only the first or only the last line disagree on the body.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9110', section: '5.3' },
    { doc: 'CVE-2021-33037', section: 'Apache Tomcat: Transfer-Encoding parsing' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity', `Content-Length: ${rawLength(body)}`], body };
    }),
});
