import { requirementHolds } from '../../requirement-holds.ts';
import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Presence rules: `exp` unless turned off (APIM's require-expiration-time default; RFC 9068 §2.2),
 * any configured claims (e.g. RFC 9068's sub, client_id, jti, iat), and no `cnf`: a sender-constrained
 * token (RFC 9449 §7, RFC 8705 §3) presented as a plain bearer token can't have its proof checked here.
 */
export const checkRequiredClaims: Step = {
  name: 'check-required-claims',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const p = ctx.payload;
    const t = env.config.token;
    if (t.requireExp && p.exp === undefined) return 'exp_missing';
    for (const name of t.requiredClaims) if (p[name] === undefined || p[name] === null) return 'required_claim_missing';
    if (t.rejectSenderConstrained && p.cnf !== undefined) return 'sender_constrained';
    // Policy-level claim values (APIM required-claims, Apigee AdditionalClaims) fail the token itself, not the route.
    for (const req of t.claimValues) if (!requirementHolds(req, p)) return 'claim_value_not_allowed';
    return undefined;
  },
};
