import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * An anonymous route is proxied here, before anything reads a token: a token sent to it is neither
 * validated nor counted (only forwarded, when the route says so).
 */
export const forwardAnonymous: RequestStep = {
  name: 'forward-anonymous',
  run(state: RequestState, env: RequestEnv): StepResult {
    const route = state.route!;
    if (!route.anonymous) return 'continue';
    if (route.config.forwardAuthorization) for (const a of state.authorization) state.forward.push(env.tokenHeader, a);
    env.proxy(state);
    return 'answered';
  },
};
