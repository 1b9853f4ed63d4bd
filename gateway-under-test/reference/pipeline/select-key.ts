import type { KeyRecord } from '../import-jwk.ts';
import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * Chooses the verification key from the issuer's JWKS cache, never from the token (`jku`, `x5u`,
 * `jwk`, `x5c` are ignored). An unknown `kid` may trigger one throttled JWKS refresh; no `kid` with a
 * single key tries that key, with several keys follows `token.kidAbsent`. A key's own `alg` is
 * respected (RFC 7517 §4.4), its type must fit the algorithm (so no HMAC with an RSA key), and Entra's
 * per-key `issuer` must match the token's issuer for its tenant.
 * Synchronous when the keys are cached, so the hot path doesn't pay for a promise.
 */
export const selectKey: Step = {
  name: 'select-key',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult | Promise<StepResult> {
    const jwks = ctx.issuer!.jwksFor(ctx.tenant);
    ctx.jwks = jwks;
    if (!jwks.hasKeys()) return jwks.ensureKeys().then((ok) => (ok ? pick(ctx, env) : 'keys_unavailable'));
    return pick(ctx, env);
  },
};

function pick(ctx: PipelineContext, env: PipelineEnv): StepResult | Promise<StepResult> {
  const jwks = ctx.jwks!;
  const kid = ctx.header.kid as string | undefined;
  if (kid !== undefined) {
    const record = jwks.lookup(kid);
    if (record) return accept(ctx, [record]);
    return jwks.refreshForUnknownKid().then(() => {
      if (!jwks.hasKeys()) return 'keys_unavailable';
      const again = jwks.lookup(kid);
      return again ? accept(ctx, [again]) : 'key_not_found';
    });
  }
  const keys = jwks.keys();
  if (keys.length === 1) return accept(ctx, keys);
  if (env.config.token.kidAbsent === 'reject') return 'kid_missing';
  const alg = ctx.header.alg as string;
  const fitting = keys.filter((k) => fits(k, alg) && (k.alg === undefined || k.alg === alg));
  return fitting.length > 0 ? accept(ctx, fitting) : 'key_not_found';
}

function accept(ctx: PipelineContext, records: readonly KeyRecord[]): StepResult {
  const alg = ctx.header.alg as string;
  for (const record of records) {
    if ((record.alg !== undefined && record.alg !== alg) || !fits(record, alg)) return 'key_algorithm_mismatch';
    if (record.issuer !== undefined) {
      const tenant = ctx.tenant ?? (typeof ctx.payload.tid === 'string' ? ctx.payload.tid : '{tenantid}');
      if (record.issuer.replace('{tenantid}', tenant) !== ctx.payload.iss) return 'key_issuer_mismatch';
    }
  }
  ctx.candidates = records;
  return undefined;
}

const CURVE_FOR: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

export function fits(record: KeyRecord, alg: string): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return record.kty === 'RSA';
  if (alg.startsWith('ES')) return record.kty === 'EC' && record.curve === CURVE_FOR[alg];
  if (alg === 'EdDSA') return record.kty === 'OKP';
  return false;
}
