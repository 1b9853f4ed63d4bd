import type { IncomingMessage } from 'node:http';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_BYTES = 65_536;

/**
 * RFC 6750 §2.2: reads a form body for its `access_token`, only when body tokens are enabled and never
 * for GET or HEAD. The only step that waits on the client, and only for such a request.
 */
export const readFormToken: RequestStep = {
  name: 'read-form-token',
  run(state: RequestState, env: RequestEnv): StepResult | Promise<StepResult> {
    const { body } = state.req;
    const { method } = state;
    if (!env.config.token.locations.body || !state.hasBody || !body || method === 'GET' || method === 'HEAD' || !state.contentType.toLowerCase().startsWith(FORM)) {
      return 'continue';
    }
    return readBody(body, MAX_FORM_BYTES).then((buffered): StepResult => {
      if (buffered === null) {
        // The rest of the body stays unread, so the connection can't be reused: answer, then close it.
        state.res.setHeader('connection', 'close');
        return 'malformed_authorization';
      }
      state.bufferedBody = buffered;
      state.formBody = buffered.toString('utf8');
      return 'continue';
    });
  },
};

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Not req.destroy(): that reset the socket before the 400 could be written (the client saw no answer).
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
  });
}
