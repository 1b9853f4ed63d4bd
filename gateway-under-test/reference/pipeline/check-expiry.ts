import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * `exp` must be a NumericDate (a JSON number, RFC 7519 §2) and now must be before it (RFC 7519 §4.1.4:
 * `exp == now` is already expired), allowing the configured skew (default 0). Runs on cache hits too,
 * which is what keeps the verified-token cache from ever serving past `exp`.
 */
export const checkExpiry: Step = {
  name: 'check-expiry',
  cacheable: false,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const exp = ctx.payload.exp;
    if (exp === undefined) return undefined;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'claim_invalid';
    return ctx.nowMs / 1000 >= exp + env.config.token.clockSkewSeconds ? 'token_expired' : undefined;
  },
};
