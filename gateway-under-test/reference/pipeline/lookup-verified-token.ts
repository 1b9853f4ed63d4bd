import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Serves a token verified before (same bytes) without parsing or crypto. The steps after it that are
 * marked cacheable are skipped on a hit; expiry and route authorisation still run every time.
 */
export const lookupVerifiedToken: Step = {
  name: 'lookup-verified-token',
  cacheable: false,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const hit = env.tokenCache?.get(ctx.token, ctx.nowMs);
    if (hit) {
      ctx.verified = hit;
      ctx.cacheHit = true;
      ctx.payload = hit.claims;
      ctx.key = hit.key;
      ctx.jwks = hit.jwks;
    }
    return undefined;
  },
};
