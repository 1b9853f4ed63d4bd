import type { Fault } from './fault-schema.ts';
import type { TlsFaultListeners } from './tls-fault-listeners.ts';

export interface RewriteContext {
  /** The mock's own URL, against which a path in `jwksUri` is resolved. */
  baseUrl: string;
  /** Fills `{tenant}` in `jwksUri`. */
  tenantId: string;
  tls: TlsFaultListeners;
}

/**
 * The `rewrite` discovery fault: the tenant's document as served, with `issuer` and/or `jwks_uri`
 * replaced. What a relying party must make of it: an issuer other than the one it was configured with
 * means the document is not to be used (RFC 8414 §3.3, OpenID Connect Discovery 1.0 §4.3); a moved
 * `jwks_uri` is where the keys are now (OpenID Connect Discovery 1.0 §3); a `jwks_uri` on a listener
 * with an untrusted certificate must not be read. Any other fault kind leaves the document as it is.
 */
export async function rewriteDiscovery(fault: Fault | undefined, doc: Record<string, unknown>, ctx: RewriteContext): Promise<Record<string, unknown>> {
  if (fault?.kind !== 'rewrite') return doc;
  const out = { ...doc };
  if (fault.issuer !== undefined) out.issuer = fault.issuer;
  if (fault.jwksUri !== undefined) {
    const uri = fault.jwksUri.replaceAll('{tenant}', encodeURIComponent(ctx.tenantId));
    out.jwks_uri = uri.startsWith('/') ? `${ctx.baseUrl}${uri}` : uri;
  }
  if (fault.jwksTls !== undefined) {
    const moved = new URL(String(doc.jwks_uri));
    out.jwks_uri = `${await ctx.tls.origin(fault.jwksTls)}${moved.pathname}${moved.search}`;
  }
  return out;
}
