import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'two-content-lengths';

export default defineCase({
  id: 'http/upstream-answer-with-two-content-lengths',
  title: 'keeps a kept-alive client in step when the upstream answers with two different Content-Length values (no response desync)',
  // RFC 9112 §6.3 (5): differing Content-Length values make the framing invalid; a proxy receiving such a
  // response MUST close its upstream connection, discard the response and answer with a 502. Judged by what
  // the client sees: an answer the gateway framed itself (one length, that many bytes) keeps the client in
  // step; relayed as it came, the client's next answer starts inside this body.
  level: 'should',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9110', section: '8.6' },
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
