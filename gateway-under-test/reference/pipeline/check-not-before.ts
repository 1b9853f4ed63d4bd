import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/** `nbf`, when present, must be a number not later than now plus skew (RFC 7519 §4.1.5). */
export const checkNotBefore: Step = {
  name: 'check-not-before',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const nbf = ctx.payload.nbf;
    if (nbf === undefined) return undefined;
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return 'claim_invalid';
    return ctx.nowMs / 1000 + env.config.token.clockSkewSeconds < nbf ? 'token_not_yet_valid' : undefined;
  },
};
