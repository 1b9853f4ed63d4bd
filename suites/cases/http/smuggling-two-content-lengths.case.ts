import { defineCase } from '../../harness/define-case.ts';
import { rawLength } from '../../harness/raw-request.ts';
import { smugglingSteps } from '../../harness/smuggling-steps.ts';

export default defineCase({
  id: 'http/smuggling-two-content-lengths',
  title: 'never lets a request smuggled between two different Content-Length values (0 and the body) reach the upstream',
  // RFC 9112 §6.3: differing Content-Length values make the framing invalid; the server MUST answer 400 and
  // close. A server taking the first (0) reads the body as the next request.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9110', section: '8.6' },
    { doc: 'CVE-2021-40346', section: 'HAProxy: request smuggling through Content-Length' },
  ],
  covers: ['X12'],
  features: [],
  steps: (profile) =>
    smugglingSteps(profile, (smuggled) => {
      return { lines: ['Content-Length: 0', `Content-Length: ${rawLength(smuggled)}`], body: smuggled };
    }),
});
