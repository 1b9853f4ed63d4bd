import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * The route's rate limit, keyed by the verified identity (after validation, so a forged token can't
 * spend someone else's allowance).
 */
export const limitRate: RequestStep = {
  name: 'limit-rate',
  run(state: RequestState, env: RequestEnv): StepResult {
    const name = state.route!.config.rateLimit;
    if (!name) return 'continue';
    const { rl, limiter } = env.limiters.get(name)!;
    const result = limiter.hit(identityKey(state.validation!.verified!.claims, rl.key, state.ip));
    if (!result.allowed) return { reason: 'rate_limited', retryAfter: result.retryAfterSeconds, remaining: 0 };
    state.remaining = result.remaining;
    return 'continue';
  },
};

function identityKey(claims: Record<string, unknown>, keys: readonly string[], ip: string): string {
  let key = '';
  for (const k of keys) {
    const v = k === 'client_ip' ? ip : claims[k];
    key += `${typeof v === 'string' ? v : ''}\u0000`;
  }
  return key;
}
