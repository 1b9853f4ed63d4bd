import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * `iat`, when present, must be a number (RFC 7519 §4.1.6) and, by default, not in the future beyond
 * the skew: RFC 7519 sets no rule, but a token issued in the future means a wrong clock or a forgery
 * (Apigee's default, catalogue E07).
 */
export const checkIssuedAt: Step = {
  name: 'check-issued-at',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const iat = ctx.payload.iat;
    if (iat === undefined) return undefined;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'claim_invalid';
    const t = env.config.token;
    return t.rejectFutureIat && iat > ctx.nowMs / 1000 + t.clockSkewSeconds ? 'iat_in_future' : undefined;
  },
};
