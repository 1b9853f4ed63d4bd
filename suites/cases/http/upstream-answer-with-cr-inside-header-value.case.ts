import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'cr-inside-header-value';

export default defineCase({
  id: 'http/upstream-answer-with-cr-inside-header-value',
  title: 'refuses or cleans an upstream answer with a CR inside a header value, never relays the CR to the client',
  // RFC 9110 §5.5: a recipient of a CR, LF or NUL inside a field value MUST either reject the message or
  // replace each with SP before processing or forwarding it. The answer here hides a Content-Length: 0
  // behind the CR: a client that ends lines at a bare CR reads an empty body and the rest as its next answer.
  level: 'should',
  references: [
    { doc: 'RFC 9110', section: '5.5' },
    { doc: 'RFC 9112', section: '5' },
  ],
  covers: ['X13'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const token = tokenLine(profile.token.headerName);
    // The second request on the same connection is what a desync would corrupt: a kept-alive client's next answer.
    const first = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', token, requestIdLine(), `${ECHO_ANSWER_HEADER}: ${answer}`]);
    const second = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', token, requestIdLine(1), 'Connection: close']);
    return [{ request: { path: target.path, raw: first + second, rawMethods: ['GET', 'GET'] }, expect: { outcome: 'either', upstream: 'reached', clientFraming: true, guard: { tokenOn: [0, 1] } } }];
  },
});
