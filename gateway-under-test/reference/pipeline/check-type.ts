import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * `typ` against the configured list (Entra sends `JWT`; RFC 9068 §4 wants `at+jwt`). Media types are
 * case-insensitive and `application/` may be omitted (RFC 7515 §4.1.9), so both sides are normalised.
 */
export const checkType: Step = {
  name: 'check-type',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const typ = ctx.header.typ;
    if (typ === undefined) return env.config.token.requireType ? 'type_not_allowed' : undefined;
    if (typeof typ !== 'string') return 'type_not_allowed';
    return env.types.has(normaliseType(typ)) ? undefined : 'type_not_allowed';
  },
};

export function normaliseType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') && lower.indexOf('/', 12) === -1 ? lower.slice(12) : lower;
}
