/**
 * `local` issuers live on the mock's own origin, so relying parties that check the discovery
 * document's issuer against the URL they fetched it from (openid-client, MSAL) accept them. `entra`
 * issuers are Entra's literal strings, for gateways whose configuration must not change between the
 * mock and the real thing (they then need the mock's JWKS URL configured explicitly).
 */
export type IssuerStyle = 'local' | 'entra';

export interface TenantIssuers {
  v1: string;
  v2: string;
}

export function tenantIssuers(baseUrl: string, tenantId: string, style: IssuerStyle): TenantIssuers {
  if (style === 'entra') {
    return { v1: `https://sts.windows.net/${tenantId}/`, v2: `https://login.microsoftonline.com/${tenantId}/v2.0` };
  }
  return { v1: `${baseUrl}/${tenantId}/`, v2: `${baseUrl}/${tenantId}/v2.0` };
}

/** The multi-tenant templates of the `common` and `organizations` documents: validators substitute `tid`. */
export function templateIssuers(baseUrl: string, style: IssuerStyle): TenantIssuers {
  return tenantIssuers(baseUrl, '{tenantid}', style);
}
