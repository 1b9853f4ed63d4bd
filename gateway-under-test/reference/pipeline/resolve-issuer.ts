import { ANY_ISSUER, ANY_TENANT } from '../config.ts';
import type { CompiledIssuer, PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Picks the trust configuration for the token's `iss`, matched exactly (RFC 7519 §4.1.1, RFC 9068 §4):
 * no case folding, no trailing-slash tolerance. Entra's multi-tenant `{tenantid}` issuers take the tenant
 * from `iss`, require it on the allow-list and require `tid` to name the same tenant. Runs before any
 * key lookup because the algorithm allow-list and key source are per issuer; nothing from it is trusted
 * until the signature has been verified with that issuer's keys.
 */
export const resolveIssuer: Step = {
  name: 'resolve-issuer',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const iss = ctx.payload.iss;
    // ANY_ISSUER (policy emulation): the keys decide, whatever `iss` says, as APIM and Apigee do without an issuer list.
    const any = env.issuersExact.get(ANY_ISSUER);
    if (iss === undefined && any) {
      ctx.issuer = any;
      return undefined;
    }
    if (iss === undefined) return 'issuer_missing';
    if (typeof iss !== 'string') return 'claim_invalid';
    const exact = env.issuersExact.get(iss);
    if (exact) {
      ctx.issuer = exact;
      return undefined;
    }
    for (const candidate of env.issuersTemplated) {
      const tenant = tenantOf(candidate, iss);
      if (tenant === undefined) continue;
      if ((!candidate.tenants.has(tenant) && !candidate.tenants.has(ANY_TENANT)) || ctx.payload.tid !== tenant) return 'tenant_not_allowed';
      ctx.issuer = candidate;
      ctx.tenant = tenant;
      return undefined;
    }
    if (any) {
      ctx.issuer = any;
      return undefined;
    }
    return 'issuer_not_allowed';
  },
};

function tenantOf(issuer: CompiledIssuer, iss: string): string | undefined {
  const t = issuer.template;
  if (!t || iss.length <= t.prefix.length + t.suffix.length || !iss.startsWith(t.prefix) || !iss.endsWith(t.suffix)) return undefined;
  const tenant = iss.slice(t.prefix.length, iss.length - t.suffix.length);
  return /^[A-Za-z0-9._-]+$/.test(tenant) ? tenant : undefined;
}
