import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-chunked-not-the-final-coding',
  title: 'never lets a request smuggled behind `Transfer-Encoding: chunked, identity` reach the upstream',
  // RFC 9112 §6.3: chunked not being the final coding of a request, the server MUST answer 400 and close the
  // connection; Tomcat honoured `identity` and read the body otherwise.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'CVE-2021-33037', section: 'Apache Tomcat: Transfer-Encoding parsing' },
    { doc: 'CVE-2022-1705', section: 'Go net/http: invalid Transfer-Encoding accepted' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      const body = `0\r\n\r\n${smuggled}`;
      return { lines: ['Transfer-Encoding: chunked, identity', `Content-Length: ${rawLength(body)}`], body };
    }),
});
