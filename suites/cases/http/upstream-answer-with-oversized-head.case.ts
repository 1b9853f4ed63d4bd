import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'oversized-head';

export default defineCase({
  id: 'http/upstream-answer-with-oversized-head',
  title: 'answers at once when the upstream sends a response head past any sane limit (100 kB and no end), never waits or relays it piecemeal',
  // RFC 9110 §5.4: HTTP sets no limit on a header section, so every implementation has its own; a gateway
  // past its limit answers 502 (RFC 9110 §15.6.3). One without a limit buffers as long as the upstream
  // keeps sending (memory, a held client), or streams the endless head to its client.
  level: 'should',
  references: [
    { doc: 'RFC 9110', section: '5.4' },
    { doc: 'RFC 9112', section: '5' },
    { doc: 'RFC 9110', section: '15.6.3' },
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
    return [{ request: { path: target.path, raw: first + second, rawMethods: ['GET', 'GET'] }, expect: { outcome: 'either', upstream: 'reached', clientFraming: true, answerInTime: true, guard: { tokenOn: [0, 1] } } }];
  },
});
