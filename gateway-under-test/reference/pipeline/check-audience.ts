import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/** `aud` (string or array of strings) must contain one configured audience, compared exactly (RFC 7519 §4.1.3). */
export const checkAudience: Step = {
  name: 'check-audience',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    if (!env.config.token.checkAudience) return undefined;
    const aud = ctx.payload.aud;
    const allowed = ctx.issuer!.audiences;
    if (aud === undefined) return 'audience_missing';
    if (typeof aud === 'string') return allowed.has(aud) ? undefined : 'audience_not_allowed';
    if (!Array.isArray(aud) || aud.length === 0 || aud.some((a) => typeof a !== 'string')) return 'claim_invalid';
    return aud.some((a: string) => allowed.has(a)) ? undefined : 'audience_not_allowed';
  },
};
