import type { CompiledRequirement, PipelineContext, Step, StepResult } from './types.ts';

/**
 * The route's required roles or scopes (APIM required-claims semantics): `any` or `all` of the values,
 * searched in the configured claims. Array claims match whole elements only (`["a","b,c"]` never grants
 * `b`); string claims are split on the separator, so `"readwrite"` never grants `read` (attacks.md E25).
 * Non-string elements grant nothing (E28). Failure is 403 insufficient_scope (RFC 6750 §3.1).
 */
export const authorizeRoute: Step = {
  name: 'authorize-route',
  cacheable: false,
  run(ctx: PipelineContext): StepResult {
    const req = ctx.requirement;
    if (!req) return undefined;
    return isGranted(req, ctx.payload) ? undefined : 'insufficient_scope';
  },
};

export function isGranted(req: CompiledRequirement, claims: Record<string, unknown>): boolean {
  if (req.match === 'any') {
    for (const value of req.values) if (holds(req, claims, value)) return true;
    return false;
  }
  for (const value of req.values) if (!holds(req, claims, value)) return false;
  return true;
}

function holds(req: CompiledRequirement, claims: Record<string, unknown>, value: string): boolean {
  for (const name of req.claims) {
    const claim = claims[name];
    if (typeof claim === 'string') {
      if (claim === value || claim.split(req.separator).includes(value)) return true;
    } else if (Array.isArray(claim)) {
      if (claim.includes(value)) return true;
    }
  }
  return false;
}
