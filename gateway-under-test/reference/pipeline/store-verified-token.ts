import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * The token passed every check: remember it (bounded, never past `exp`) with its upstream headers
 * precomputed, so the next request with the same bytes costs a map lookup instead of an RSA verify.
 */
export const storeVerifiedToken: Step = {
  name: 'store-verified-token',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const claims = ctx.payload;
    const upstreamHeaders = env.upstreamHeadersFor(claims);
    const exp = claims.exp;
    const cap = ctx.nowMs + env.config.tokenCache.maxTtlSeconds * 1000;
    const storedUntil = typeof exp === 'number' ? Math.min((exp + env.config.token.clockSkewSeconds) * 1000, cap) : cap;
    const caller = firstString(claims.oid, claims.sub, claims.azp, claims.appid) ?? 'unknown';
    ctx.verified = {
      claims,
      key: ctx.key!,
      jwks: ctx.jwks!,
      upstreamHeaders,
      caller,
      storedUntil,
      // Token bytes plus decoded claims (~ the payload segment) plus fixed overhead.
      size: ctx.token.length * 2 + 256,
    };
    env.tokenCache?.set(ctx.token, ctx.verified);
    return undefined;
  },
};

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.length > 0) return v;
  return undefined;
}
