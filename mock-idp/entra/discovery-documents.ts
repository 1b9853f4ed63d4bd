import type { TenantIssuers } from './issuers.ts';

/** The endpoints a discovery document points at, for one tenant segment (a tenant id, `common` or `organizations`). */
export interface DocumentUrls {
  /** `${base}/${segment}` */
  tenantBase: string;
  /** `${base}/common` — Entra's v1 documents use the shared keys. */
  commonBase: string;
}

/**
 * Entra's v2 discovery document: the fields and their order as a live tenant serves them (a tenant's
 * `/v2.0/.well-known/openid-configuration`, recorded in Azure/azure-sdk-for-js at sdk/keyvault/keyvault-keys/
 * recordings/node/challenge_based_authentication_tests/recording_supports_multitenant_authentication.js).
 * `userinfo_endpoint` points at this mock instead of graph.microsoft.com, which is not reachable here.
 */
export function v2DiscoveryDocument(issuers: TenantIssuers, urls: DocumentUrls): Record<string, unknown> {
  const t = urls.tenantBase;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: issuers.v2,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${t}/oidc/userinfo`,
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host',
      'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash',
      'c_hash', 'email',
    ],
    kerberos_endpoint: `${t}/kerberos`,
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/**
 * Entra's v1 document (`/.well-known/openid-configuration` without `/v2.0`): sts.windows.net issuer with a
 * trailing slash, `/discovery/keys`, extra v1 fields. Check against any tenant's public v1 document.
 */
export function v1DiscoveryDocument(issuers: TenantIssuers, urls: DocumentUrls): Record<string, unknown> {
  const t = urls.tenantBase;
  return {
    token_endpoint: `${t}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${urls.commonBase}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: issuers.v1,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${t}/oauth2/authorize`,
    device_authorization_endpoint: `${t}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host',
      'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname',
    ],
    check_session_iframe: `${t}/oauth2/checksession`,
    userinfo_endpoint: `${t}/openid/userinfo`,
    kerberos_endpoint: `${t}/kerberos`,
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/**
 * MSAL's instance discovery answer (`/common/discovery/instance`), as recorded from Entra: the mock's
 * own host is the only alias, so MSAL never tries to reach login.microsoftonline.com.
 */
export function instanceDiscoveryDocument(host: string, tenantDiscoveryEndpoint: string): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: tenantDiscoveryEndpoint,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
