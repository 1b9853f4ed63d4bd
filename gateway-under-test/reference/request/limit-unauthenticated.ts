import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * An address that failed authentication too often is refused before anything else is spent on it
 * (header scan, routing, signature checks); validate-token records the failures.
 */
export const limitUnauthenticated: RequestStep = {
  name: 'limit-unauthenticated',
  run(state: RequestState, env: RequestEnv): StepResult {
    if (env.unauthLimiter) {
      const b = env.unauthLimiter.blocked(state.ip);
      if (b.blocked) return { reason: 'unauthenticated_rate_limited', retryAfter: b.retryAfterSeconds };
    }
    return 'continue';
  },
};
