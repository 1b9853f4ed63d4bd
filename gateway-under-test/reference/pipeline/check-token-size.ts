import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/** Bounds the work before any decoding: a megabyte of dots must cost nothing (CVE-2025-30204, catalogue A16). */
export const checkTokenSize: Step = {
  name: 'check-token-size',
  cacheable: false,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    return ctx.token.length > env.config.token.maxTokenBytes ? 'token_too_large' : undefined;
  },
};
