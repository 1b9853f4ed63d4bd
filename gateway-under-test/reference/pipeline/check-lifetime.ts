import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Optional maximum lifetime (Envoy `max_lifetime`, Apigee `MaxLifespan`): measured from `iat`, else
 * `nbf`, else now. A token without `exp` has no bounded lifetime, so it fails when a maximum is set.
 */
export const checkLifetime: Step = {
  name: 'check-lifetime',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const max = env.config.token.maxLifetimeSeconds;
    if (max === undefined) return undefined;
    const { exp, iat, nbf } = ctx.payload;
    if (typeof exp !== 'number') return 'lifetime_too_long';
    const start = typeof iat === 'number' ? iat : typeof nbf === 'number' ? nbf : ctx.nowMs / 1000;
    return exp - start > max ? 'lifetime_too_long' : undefined;
  },
};
