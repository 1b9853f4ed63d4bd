import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * Takes out what the client meant for this hop only and says where the request came from. Host,
 * X-Forwarded-* and Forwarded from the client were dropped by the scan: these are the gateway's own.
 */
export const addForwardedHeaders: RequestStep = {
  name: 'add-forwarded-headers',
  run(state: RequestState, _env: RequestEnv): StepResult {
    const { forward } = state;
    // Every Connection line counts (RFC 9110 §7.6.1: a list may be split over several lines).
    if (state.connectionTokens) stripConnectionListed(forward, state.connectionTokens);
    forward.push('x-forwarded-for', state.ip, 'x-forwarded-proto', 'http');
    // From the raw scan: touching req.headers would make Node build the whole header object per request.
    if (state.host) forward.push('x-forwarded-host', state.host);
    return 'continue';
  },
};

/** Drops headers the client named in `Connection` (RFC 9110 §7.6.1): they were meant for this hop only. */
function stripConnectionListed(forward: string[], tokens: string): void {
  const names = new Set(tokens.split(',').map((t) => t.trim()).filter((t) => t && t !== 'close' && t !== 'keep-alive'));
  if (names.size === 0) return;
  for (let i = forward.length - 2; i >= 0; i -= 2) if (names.has(forward[i].toLowerCase())) forward.splice(i, 2);
}
