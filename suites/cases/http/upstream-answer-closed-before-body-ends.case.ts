import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'closed-before-body-ends';

export default defineCase({
  id: 'http/upstream-answer-closed-before-body-ends',
  title: 'closes the client connection when the upstream closes before the body its Content-Length promised, never answers the next request on it',
  // RFC 9112 §6.3 (5) and §8: a message cut off before its Content-Length is incomplete; a gateway that
  // already sent the head cannot finish it and must close the client connection. Answering the next request
  // on the same connection makes the client read that answer as the rest of this body.
  level: 'should',
  references: [
    { doc: 'RFC 9112', section: '6.3' },
    { doc: 'RFC 9112', section: '8' },
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
