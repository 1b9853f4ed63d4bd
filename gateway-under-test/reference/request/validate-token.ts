import { performance } from 'node:perf_hooks';
import { runPipeline } from '../pipeline/index.ts';
import { createContext, type PipelineContext } from '../pipeline/types.ts';
import { REJECTIONS, type Reason } from '../rejection.ts';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * The token validation pipeline (pipeline/index.ts), timed and counted by cache hit or miss. A refused
 * token counts against the client's address for the unauthenticated limit, unless the gateway itself
 * was at fault (a 5xx: keys unavailable).
 */
export const validateToken: RequestStep = {
  name: 'validate-token',
  run(state: RequestState, env: RequestEnv): StepResult | Promise<StepResult> {
    const { method, authorization, query, formBody } = state;
    const ctx = createContext({ method, authorization, query, formBody }, state.route!.requirement, env.now());
    state.validation = ctx;
    const t0 = performance.now();
    const reason = runPipeline(ctx, env.pipeline);
    // Only a key fetch makes the pipeline wait; a request with cached keys stays synchronous.
    if (reason !== undefined && typeof reason !== 'string') return reason.then((r) => settle(state, env, ctx, t0, r));
    return settle(state, env, ctx, t0, reason);
  },
};

function settle(state: RequestState, env: RequestEnv, ctx: PipelineContext, t0: number, reason: Reason | undefined): StepResult {
  (ctx.cacheHit ? env.validationHit : env.validationMiss).observe((performance.now() - t0) / 1000);
  if (ctx.token && env.pipeline.tokenCache) (ctx.cacheHit ? env.tokenCacheHits : env.tokenCacheMisses).inc();
  if (reason) {
    if (env.unauthLimiter && REJECTIONS[reason].status < 500) env.unauthLimiter.record(state.ip);
    return { reason, scope: reason === 'insufficient_scope' ? ctx.requirement?.scope : undefined, claimsChallenge: ctx.claimsChallenge };
  }
  state.caller = ctx.verified!.caller;
  return 'continue';
}
