import type { Api, Client, Tenant } from '../tenants/tenant-schema.ts';

/** Resource indicators must be absolute URIs (RFC 8707 §2); a resource named by its bare app id gets this synthetic form. */
export const APP_ID_RESOURCE = 'urn:gatecheck:app-id:';

/** The OpenID scopes; every other scope value names a resource's permission. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A resource as clients name it (app ID URI or app id) → the indicator oidc-provider keys it by. */
export function resourceIndicator(resource: string): string {
  return GUID.test(resource) ? `${APP_ID_RESOURCE}${resource.toLowerCase()}` : resource;
}

/** The inverse of `resourceIndicator`: what the client asked for. */
export function resourceAsRequested(indicator: string): string {
  return indicator.startsWith(APP_ID_RESOURCE) ? indicator.slice(APP_ID_RESOURCE.length) : indicator;
}

/** The resource named by a scope value: `api://orders-api/Orders.Read` → `api://orders-api`, `{guid}/.default` → the app. */
export function resourceOfScope(scope: string): string | undefined {
  const i = scope.lastIndexOf('/');
  if (i <= 0) return undefined;
  return resourceIndicator(scope.slice(0, i));
}

export function apiForResource(tenant: Tenant, resource: string): Api | undefined {
  if (resource.startsWith(APP_ID_RESOURCE)) return tenant.apis.find((a) => a.appId === resource.slice(APP_ID_RESOURCE.length));
  const trimmed = resource.replace(/\/$/, '');
  return tenant.apis.find((a) => a.appIdUri === trimmed || a.appIdUri === resource);
}

/** Scope values as oidc-provider's resource server lists them: `{resource as requested}/{permission}`. */
export function resourceScope(indicator: string, permission: string): string {
  return `${resourceAsRequested(indicator)}/${permission}`;
}

export function unknownResource(tenant: Tenant, resource: string) {
  return {
    code: 500011 as const,
    error: 'invalid_resource',
    description: `The resource principal named ${resourceAsRequested(resource)} was not found in the tenant named ${tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  };
}

export interface DelegatedRequest {
  /** Requested OpenID scopes (openid, profile, email, offline_access). */
  oidc: string[];
  /** The one resource the other scopes name, as an indicator; absent when only OpenID scopes were asked for. */
  resource?: string;
  api?: Api;
  /** Permission names on that resource (`.default` expanded to everything consented). */
  permissions: string[];
}

/**
 * Splits a delegated request into OpenID scopes and one resource's permissions, and checks that the
 * client was consented to them (Entra's static consent: `delegatedPermissions` in the tenant file).
 * `resource` is the v1 endpoints' parameter: the v1 protocol names no permissions, so the client gets
 * every delegated permission it was consented to.
 */
export function delegatedRequest(
  tenant: Tenant,
  client: Client,
  scope: string,
  resource?: string,
): { request: DelegatedRequest } | { failure: { code: 700022 | 500011 | 65001 | 70011; error: string; description: string; suberror?: string } } {
  const values = scope.split(' ').filter(Boolean);
  const oidc = values.filter((s) => OIDC_SCOPES.includes(s));
  const rest = values.filter((s) => !OIDC_SCOPES.includes(s));
  const resources = resource ? [resource] : [...new Set(rest.map(resourceOfScope))];
  if (resources.some((r) => r === undefined)) {
    const bad = rest.find((s) => !resourceOfScope(s))!;
    return { failure: { code: 70011, error: 'invalid_scope', description: `The provided value for the input parameter 'scope' isn't valid. The scope ${bad} isn't valid.` } };
  }
  if (resources.length > 1) {
    return { failure: { code: 700022, error: 'invalid_scope', description: `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${values.join(' ')} is not valid.` } };
  }
  const indicator = resources[0];
  if (!indicator) return { request: { oidc, permissions: [] } };
  const api = apiForResource(tenant, indicator);
  if (!api) return { failure: unknownResource(tenant, indicator) };
  const consented = client.delegatedPermissions[api.name] ?? [];
  const asked = resource ? ['.default'] : rest.map((s) => s.slice(s.lastIndexOf('/') + 1));
  const permissions = [...new Set(asked.flatMap((p) => (p === '.default' ? consented : [p])))];
  const unknown = permissions.find((p) => !api.scopes.includes(p));
  if (unknown) {
    return { failure: { code: 70011, error: 'invalid_scope', description: `The provided value for the input parameter 'scope' isn't valid. The scope ${resourceScope(indicator, unknown)} isn't valid: ${api.name} defines no such permission.` } };
  }
  const missing = permissions.filter((p) => !consented.includes(p));
  if (missing.length || permissions.length === 0) {
    return {
      failure: {
        code: 65001,
        error: 'invalid_grant',
        suberror: 'consent_required',
        description: `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.name}'. Send an interactive authorization request for this user and resource. Missing: ${(missing.length ? missing : ['.default']).map((p) => resourceScope(indicator, p)).join(' ')}`,
      },
    };
  }
  return { request: { oidc, resource: indicator, api, permissions } };
}
