import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Continuous access evaluation: a CAE-capable token of a user or session revoked after it was issued is
 * refused before its `exp`, with a claims challenge asking for a token issued from the revocation on
 * (`{"access_token":{"nbf":{"essential":true,"value":"…"}}}`, Entra
 * app-resilience-continuous-access-evaluation.md). Runs on verified-token cache hits too: a revocation
 * arrives after the token was first verified.
 */
export const checkRevocation: Step = {
  name: 'check-revocation',
  cacheable: false,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const hit = env.revocations?.revoked(ctx.payload);
    if (!hit) return undefined;
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: String(hit.notBefore) } } });
    ctx.claimsChallenge = { claims: Buffer.from(claims).toString('base64'), authorizationUri: hit.authorizationUri };
    return 'token_revoked';
  },
};
