import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { EntraFailure } from '../entra/entra-error.ts';

/**
 * Aborts a request inside oidc-provider with Entra's reason: the reason rides on the context and the
 * provider's response middleware turns it into the AADSTS error body (`thrown` keeps oidc-provider's
 * own error class where one fits, so its events and logs stay meaningful).
 */
export function failWith(ctx: KoaContextWithOIDC, failure: EntraFailure, thrown?: Error): never {
  ctx.state.entra = failure;
  throw thrown ?? new errors.CustomOIDCProviderError(failure.error, failure.description);
}
