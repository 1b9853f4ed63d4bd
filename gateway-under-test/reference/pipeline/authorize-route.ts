import { requirementHolds } from '../../requirement-holds.ts';
import type { CompiledRequirement, PipelineContext, Step, StepResult } from './types.ts';

/**
 * The route's required roles or scopes, as the target contract defines them (`requirementHolds`).
 * Failure is 403 insufficient_scope (RFC 6750 §3.1).
 */
export const authorizeRoute: Step = {
  name: 'authorize-route',
  cacheable: false,
  run(ctx: PipelineContext): StepResult {
    const req = ctx.requirement;
    if (!req) return undefined;
    return requirementHolds(req, ctx.payload) ? undefined : 'insufficient_scope';
  },
};
