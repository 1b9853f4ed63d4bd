import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/** Header parameters defined by JWS/JWA: RFC 7515 §4.1.11 forbids listing them in `crit`. */
const REGISTERED = new Set(['alg', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'typ', 'cty', 'crit', 'enc', 'zip']);

/**
 * `crit` must list only extensions this gateway understands and that are present (RFC 7515 §4.1.11);
 * `b64` is refused outright (RFC 7797 §7: JWTs MUST NOT use it); `zip` and nested tokens (`cty: JWT`)
 * are not supported; `kid` must be a sane string.
 * `jku`, `x5u`, `jwk` and `x5c` are deliberately not checked here because nothing ever reads them:
 * keys come only from the configured JWKS, so they can't point the gateway anywhere (RFC 8725 §3.10).
 */
export const checkHeaderParameters: Step = {
  name: 'check-header-parameters',
  cacheable: true,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const h = ctx.header;
    if (h.crit !== undefined) {
      const crit = h.crit;
      if (!Array.isArray(crit) || crit.length === 0 || new Set(crit).size !== crit.length) return 'critical_header_not_understood';
      for (const name of crit) {
        if (typeof name !== 'string' || REGISTERED.has(name) || !env.understoodCritical.has(name) || !(name in h)) {
          return 'critical_header_not_understood';
        }
      }
    }
    if (h.b64 !== undefined || h.zip !== undefined || h.enc !== undefined) return 'unsupported_header';
    // `cty` is a string (RFC 7515 §4.1.10); any other type is malformed, or `cty: ["JWT"]` would slip past the nested-token refusal.
    if (h.cty !== undefined && typeof h.cty !== 'string') return 'malformed_token';
    if (typeof h.cty === 'string' && /^(application\/)?jwt$/i.test(h.cty)) return 'unsupported_header';
    if (h.kid !== undefined && (typeof h.kid !== 'string' || h.kid.length === 0 || h.kid.length > 512)) return 'malformed_token';
    return undefined;
  },
};
