import type { EntraFailure } from '../entra/entra-error.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { v1IdToken } from './id-tokens.ts';
import { OIDC_SCOPES, resourceAsRequested, resourceIndicator, resourceScope, apiForResource } from './resources.ts';

/** Grants whose v1 request must name the resource; code and refresh requests may rely on the one granted before. */
const RESOURCE_REQUIRED = new Set(['client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);

/**
 * A v1 token request (`POST /{tenant}/oauth2/token`, Entra's Azure AD v1.0 protocol) as the v2 request
 * oidc-provider serves: `resource` becomes a resource indicator (RFC 8707), which is what the v1
 * parameter always was. v1 has no permission-level scopes, so those are dropped; the grants give the
 * client everything it was consented to on the resource.
 */
export function v1TokenForm(form: URLSearchParams): { form: URLSearchParams; resource?: string } | { failure: EntraFailure } {
  const grant = form.get('grant_type') ?? '';
  const resource = form.get('resource')?.trim() || undefined;
  if (!resource && RESOURCE_REQUIRED.has(grant)) {
    const scoped = (form.get('scope') ?? '').split(' ').some((s) => s.includes('/'));
    return {
      failure: {
        code: 900144,
        error: 'invalid_request',
        description: `The request body must contain the following parameter: 'resource'.${scoped ? ' The v1 endpoint /oauth2/token names the API in resource; scope values such as api://…/.default belong to the v2 endpoint /oauth2/v2.0/token.' : ''}`,
      },
    };
  }
  const out = new URLSearchParams(form);
  if (resource) out.set('resource', resourceIndicator(resource));
  const oidc = (form.get('scope') ?? '').split(' ').filter((s) => OIDC_SCOPES.includes(s));
  if (form.has('scope') || RESOURCE_REQUIRED.has(grant)) {
    if (grant === 'client_credentials' || oidc.length === 0) out.delete('scope');
    else out.set('scope', oidc.join(' '));
  }
  return { form: out, resource };
}

/**
 * A v1 authorization request (`GET /{tenant}/oauth2/authorize`) as a v2 one: the resource becomes an
 * indicator and the client's consented permissions on it its scopes; v1 always signs the user in
 * (`openid`) and returns a refresh token with the code (`offline_access`).
 */
export function v1AuthorizeQuery(runtime: TenantRuntime, query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(query);
  const resource = query.get('resource')?.trim();
  const scopes = new Set(['openid', 'offline_access', ...(query.get('scope') ?? '').split(' ').filter((s) => OIDC_SCOPES.includes(s))]);
  if (resource) {
    const indicator = resourceIndicator(resource);
    out.set('resource', indicator);
    const api = apiForResource(runtime.tenant, indicator);
    const client = runtime.tenant.clients.find((c) => c.clientId === query.get('client_id'));
    for (const p of api && client ? client.delegatedPermissions[api.name] ?? [] : []) scopes.add(resourceScope(indicator, p));
  }
  out.set('scope', [...scopes].join(' '));
  return out;
}

/**
 * A token response as the v1 endpoint writes it: times as strings, `expires_on`/`not_before` as epoch
 * seconds, the `resource` as requested, bare permission names in `scope`, and a v1 ID token.
 */
export async function v1TokenResponse(
  runtime: TenantRuntime,
  body: Record<string, unknown>,
  resource: string | undefined,
): Promise<Record<string, unknown>> {
  const now = runtime.now();
  const expiresIn = Number(body.expires_in ?? 0);
  const scopes = String(body.scope ?? '').split(' ').filter((s) => s && !OIDC_SCOPES.includes(s)).map((s) => s.slice(s.lastIndexOf('/') + 1));
  return Object.fromEntries(Object.entries({
    token_type: 'Bearer',
    scope: scopes.length ? scopes.join(' ') : undefined,
    expires_in: String(expiresIn),
    ext_expires_in: String(expiresIn),
    expires_on: String(now + expiresIn),
    not_before: String(now),
    resource: resource ? resourceAsRequested(resource) : undefined,
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    id_token: typeof body.id_token === 'string' ? await v1IdToken(runtime, body.id_token) : undefined,
    client_info: body.client_info,
  }).filter(([, v]) => v !== undefined));
}
