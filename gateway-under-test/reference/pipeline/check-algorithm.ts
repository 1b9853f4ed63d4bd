import type { PipelineContext, Step, StepResult } from './types.ts';

/**
 * The token's `alg` must be on its issuer's allow-list before any key is looked up (RFC 8725 §3.1).
 * `none` and HMAC can't be on the list (the config schema has no such values), so neither alg-none
 * nor RS→HS key confusion can get as far as a key (CVE-2015-9235).
 */
export const checkAlgorithm: Step = {
  name: 'check-algorithm',
  cacheable: true,
  run(ctx: PipelineContext): StepResult {
    const alg = ctx.header.alg;
    return typeof alg === 'string' && ctx.issuer!.algorithms.has(alg) ? undefined : 'algorithm_not_allowed';
  },
};
