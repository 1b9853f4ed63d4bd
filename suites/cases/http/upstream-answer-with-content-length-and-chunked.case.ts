import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'content-length-and-chunked';

export default defineCase({
  id: 'http/upstream-answer-with-content-length-and-chunked',
  title: 'never passes on an upstream answer carrying Content-Length beside a chunked body to a kept-alive client (response desync)',
  // RFC 9112 §6.3: a message with both is to be handled as an error, and an intermediary forwarding it MUST
  // drop the Content-Length first (§6.1: a sender MUST NOT send both). Passed on as it came, the client
  // reads the Content-Length and takes the rest of the chunked body for the start of its next answer.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9112', section: '6.1' },
  ],
  covers: ['X13'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const token = tokenLine(profile.token.headerName);
    const first = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', token, requestIdLine(), `${ECHO_ANSWER_HEADER}: ${answer}`]);
    const second = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', token, requestIdLine(1), 'Connection: close']);
    return [{ request: { path: target.path, raw: first + second, rawMethods: ['GET', 'GET'] }, expect: { outcome: 'either', upstream: 'reached', clientFraming: true, guard: { tokenOn: [0, 1] } } }];
  },
});
