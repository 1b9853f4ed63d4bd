import { defineCase } from '../../harness/define-case.ts';
import { ANSWERS, ECHO_ANSWER_HEADER } from '../../harness/echo-upstream.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

const answer: keyof typeof ANSWERS = 'bare-lf-line-endings';

export default defineCase({
  id: 'http/upstream-answer-with-bare-lf-line-endings',
  title: 're-frames or refuses an upstream answer whose lines end in a bare LF, never relays it to the client as it came',
  // RFC 9112 §2.2: a recipient MAY read a bare LF as a line end, a sender MUST NOT send one. A gateway may
  // read the answer leniently and send it on framed with CRLF, or refuse it (502); relayed byte for byte,
  // strict clients cannot frame it and lenient ones disagree with them on where the head ends.
  level: 'should',
  references: [
    { doc: 'RFC 9112', section: '2.2' },
    { doc: 'RFC 9112', section: '6.3' },
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
