import type { Reason } from '../rejection.ts';
import { authorizeRoute } from './authorize-route.ts';
import { checkAlgorithm } from './check-algorithm.ts';
import { checkAudience } from './check-audience.ts';
import { checkExpiry } from './check-expiry.ts';
import { checkHeaderParameters } from './check-header-parameters.ts';
import { checkIssuedAt } from './check-issued-at.ts';
import { checkLifetime } from './check-lifetime.ts';
import { checkNotBefore } from './check-not-before.ts';
import { checkRequiredClaims } from './check-required-claims.ts';
import { checkRevocation } from './check-revocation.ts';
import { checkTokenSize } from './check-token-size.ts';
import { checkType } from './check-type.ts';
import { extractBearer } from './extract-bearer.ts';
import { lookupVerifiedToken } from './lookup-verified-token.ts';
import { parseCompactJws } from './parse-compact-jws.ts';
import { resolveIssuer } from './resolve-issuer.ts';
import { selectKey } from './select-key.ts';
import { storeVerifiedToken } from './store-verified-token.ts';
import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';
import { verifySignature } from './verify-signature.ts';

/**
 * The validation pipeline, in order. Each step either passes or names a rejection reason; the first
 * reason wins. Order matters: size before parsing, issuer and algorithm before any key lookup, key
 * before signature, signature before trusting any claim, revocation after the (cached) verification,
 * authorisation last.
 */
export const PIPELINE: readonly Step[] = [
  extractBearer,
  checkTokenSize,
  lookupVerifiedToken,
  parseCompactJws,
  resolveIssuer,
  checkAlgorithm,
  checkHeaderParameters,
  checkType,
  selectKey,
  verifySignature,
  checkAudience,
  checkRequiredClaims,
  checkExpiry,
  checkNotBefore,
  checkIssuedAt,
  checkLifetime,
  storeVerifiedToken,
  checkRevocation,
  authorizeRoute,
];

/**
 * Runs the steps; stays synchronous until a step returns a promise (only key fetching does), so a
 * request with cached keys never allocates one.
 */
export function runPipeline(ctx: PipelineContext, env: PipelineEnv, steps: readonly Step[] = PIPELINE): Reason | undefined | Promise<Reason | undefined> {
  return runFrom(0, ctx, env, steps);
}

function runFrom(start: number, ctx: PipelineContext, env: PipelineEnv, steps: readonly Step[]): StepResult | Promise<StepResult> {
  for (let i = start; i < steps.length; i++) {
    const step = steps[i];
    if (step.cacheable && ctx.cacheHit) continue;
    const result = step.run(ctx, env);
    if (result === undefined) continue;
    if (typeof result === 'string') {
      ctx.failedStep = step.name;
      return result;
    }
    return result.then((r) => {
      if (r !== undefined) {
        ctx.failedStep = step.name;
        return r;
      }
      return runFrom(i + 1, ctx, env, steps);
    });
  }
  return undefined;
}
