import { addClaimHeaders } from './add-claim-headers.ts';
import { addForwardedHeaders } from './add-forwarded-headers.ts';
import { addUpstreamCredentials } from './add-upstream-credentials.ts';
import { checkHost } from './check-host.ts';
import { checkSubscriptionKey } from './check-subscription-key.ts';
import { forwardAnonymous } from './forward-anonymous.ts';
import { forwardUpstream } from './forward-upstream.ts';
import { limitRate } from './limit-rate.ts';
import { limitUnauthenticated } from './limit-unauthenticated.ts';
import { matchRoute } from './match-route.ts';
import { normalisePath } from './normalise-path.ts';
import { parseTarget } from './parse-target.ts';
import { readFormToken } from './read-form-token.ts';
import { scanHeaders } from './scan-headers.ts';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';
import { validateToken } from './validate-token.ts';

/**
 * How the gateway handles a request, in order. Each step continues, refuses with a reason, or hands
 * the request to the upstream; the first refusal is the answer. Order matters: the cheap refusals
 * (target, path, an address over the unauthenticated limit) before any header is looked at; Host
 * before routing; the subscription key before the token, as APIM has it; anonymous routes proxied
 * before anything reads a token; the rate limit only once the identity it is keyed by is verified;
 * claim headers and upstream credentials only for a request every check let through.
 */
export const REQUEST_STEPS: readonly RequestStep[] = [
  parseTarget,
  normalisePath,
  limitUnauthenticated,
  scanHeaders,
  checkHost,
  addForwardedHeaders,
  matchRoute,
  checkSubscriptionKey,
  forwardAnonymous,
  readFormToken,
  validateToken,
  limitRate,
  addClaimHeaders,
  addUpstreamCredentials,
  forwardUpstream,
];

/**
 * Runs the steps and answers a refusal. Synchronous until a step returns a promise, so a request that
 * waits on nothing (cached keys, no form body, no backend token to fetch) allocates none; a promise
 * is returned only once a step has waited, for the caller to catch what a later step throws.
 */
export function runRequest(state: RequestState, env: RequestEnv, steps: readonly RequestStep[] = REQUEST_STEPS): void | Promise<void> {
  return runFrom(0, state, env, steps);
}

function runFrom(start: number, state: RequestState, env: RequestEnv, steps: readonly RequestStep[]): void | Promise<void> {
  for (let i = start; i < steps.length; i++) {
    const result = steps[i].run(state, env);
    if (result === 'continue') continue;
    if (result instanceof Promise) {
      return result.then((r) => {
        if (r === 'continue') return runFrom(i + 1, state, env, steps);
        answer(state, env, r);
      });
    }
    answer(state, env, result);
    return;
  }
}

function answer(state: RequestState, env: RequestEnv, result: Exclude<StepResult, 'continue'>): void {
  if (result === 'answered') return;
  if (typeof result === 'string') env.reject(state, result);
  else env.reject(state, result.reason, result);
}
