import { http, HttpResponse, type HttpHandler } from 'msw';
import { v1DiscoveryDocument, v2DiscoveryDocument } from './entra/discovery-documents.ts';
import { entraErrorBody, type EntraErrorCode } from './entra/entra-error.ts';
import type { IssuerStyle } from './entra/issuers.ts';
import type { KeyStore } from './keys/key-store.ts';
import { mint } from './mint/mint.ts';
import { createTenantRuntime, findTenant, type TenantRuntime } from './tenant-runtime.ts';
import { loadTenants } from './tenants/load-tenants.ts';

export interface MockIdpHandlersOptions {
  /** The tenants to serve; their origin (from `urls`) is the one the handlers intercept. */
  tenants: readonly TenantRuntime[];
  /** Per tenant name: a key store to use instead of the runtime's own (e.g. one shared with a running mock). */
  keys?: Record<string, KeyStore>;
}

const DOCUMENT_HEADERS = { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' };

/**
 * The mock IdP's discovery, JWKS and token endpoints as msw handlers, for unit tests of services that
 * call Entra without a server. They sign with the tenants' key stores and the same forge as the HTTP
 * mock, so a test can mint any variant with `mint(runtime, …)` and the service sees the JWKS that matches.
 * The token endpoint speaks the client-credentials grant (what services use); interactive flows need
 * the real mock (`createMockIdp`).
 */
export function mockIdpHandlers(options: MockIdpHandlersOptions): HttpHandler[] {
  const tenants = options.tenants.map((rt) => {
    const keys = options.keys?.[rt.tenant.name];
    return keys ? Object.assign(Object.create(rt) as TenantRuntime, { keys }) : rt;
  });
  const origins = [...new Set(tenants.map((t) => new URL(t.urls.token).origin))];
  const tenantOf = (segment: string | readonly string[] | undefined) => findTenant(tenants, decodeURIComponent(String(segment ?? '')));

  return origins.flatMap((origin) => {
    const unknownTenant = (segment: unknown) =>
      HttpResponse.json(entraErrorBody(90002, 'invalid_tenant', `Tenant '${String(segment)}' not found.`), { status: 400 });
    const docUrls = (segment: string) => ({ tenantBase: `${origin}/${segment}`, commonBase: `${origin}/common` });
    return [
      http.get(`${origin}/:tenant/v2.0/.well-known/openid-configuration`, ({ params }) => {
        const rt = tenantOf(params.tenant);
        if (!rt) return unknownTenant(params.tenant);
        return HttpResponse.json(v2DiscoveryDocument(rt.issuers, docUrls(String(params.tenant))), { headers: DOCUMENT_HEADERS });
      }),
      http.get(`${origin}/:tenant/.well-known/openid-configuration`, ({ params }) => {
        const rt = tenantOf(params.tenant);
        if (!rt) return unknownTenant(params.tenant);
        return HttpResponse.json(v1DiscoveryDocument(rt.issuers, docUrls(String(params.tenant))), { headers: DOCUMENT_HEADERS });
      }),
      http.get(`${origin}/:tenant/discovery/v2.0/keys`, ({ params }) => {
        const rt = tenantOf(params.tenant);
        if (!rt) return unknownTenant(params.tenant);
        return HttpResponse.json(rt.keys.jwks(rt.issuers.v2), { headers: DOCUMENT_HEADERS });
      }),
      http.get(`${origin}/:tenant/discovery/keys`, ({ params }) => {
        // Entra's v1 documents point at the shared `common` keys: here, every served tenant's keys.
        const all = params.tenant === 'common' ? tenants : [tenantOf(params.tenant)].filter((t) => t !== undefined);
        if (!all.length) return unknownTenant(params.tenant);
        return HttpResponse.json({ keys: all.flatMap((t) => t.keys.jwks().keys) }, { headers: DOCUMENT_HEADERS });
      }),
      http.post(`${origin}/:tenant/oauth2/v2.0/token`, async ({ params, request }) => {
        const rt = tenantOf(params.tenant);
        if (!rt) return unknownTenant(params.tenant);
        return clientCredentials(rt, new URLSearchParams(await request.text()), request.headers.get('authorization'));
      }),
    ];
  });
}

function tokenError(status: number, code: EntraErrorCode, error: string, description: string): Response {
  return HttpResponse.json(entraErrorBody(code, error, description), { status });
}

async function clientCredentials(rt: TenantRuntime, form: URLSearchParams, authorization: string | null): Promise<Response> {
  if (form.get('grant_type') !== 'client_credentials') {
    return tokenError(400, 70003, 'unsupported_grant_type', 'The app requested an unsupported grant type; these handlers serve client_credentials only.');
  }
  let clientId = form.get('client_id');
  let secret = form.get('client_secret');
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const [id, pass] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
    clientId = decodeURIComponent(id);
    secret = decodeURIComponent(pass ?? '');
  }
  const client = rt.tenant.clients.find((c) => c.clientId === clientId);
  if (!client) return tokenError(400, 700016, 'unauthorized_client', `Application with identifier '${clientId}' was not found in the directory '${rt.tenant.name}'.`);
  if (!client.secret || client.secret !== secret) {
    return tokenError(401, 7000215, 'invalid_client', 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  }
  const scope = form.get('scope') ?? '';
  if (!scope.endsWith('/.default')) return tokenError(400, 1002012, 'invalid_scope', `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  const resource = scope.slice(0, -'/.default'.length);
  const api = rt.tenant.apis.find((a) => a.appIdUri === resource || a.appId === resource || `${a.appIdUri}/` === resource);
  if (!api) return tokenError(400, 500011, 'invalid_resource', `The resource principal named ${resource} was not found in the tenant named ${rt.tenant.name}.`);
  const v1 = api.accessTokenAcceptedVersion === 1;
  const { token, claims } = await mint(rt, {
    profile: v1 ? 'entra-v1-app' : 'entra-v2-app',
    api: api.name,
    client: client.name,
    // v1 tokens carry the resource back exactly as requested (Entra access-token claims reference, `aud`).
    ...(v1 ? { claims: { aud: resource } } : {}),
  });
  const expiresIn = (claims!.exp as number) - rt.now();
  return HttpResponse.json({ token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token }, { headers: { 'cache-control': 'no-store, no-cache' } });
}

/**
 * Tenant runtimes for the handlers, on Entra's own origin by default so the code under test keeps its
 * production authority (`https://login.microsoftonline.com/{tenant}`).
 */
export async function mswTenants(
  options: { baseUrl?: string; issuerStyle?: IssuerStyle; tenants?: string; keysDir?: string } = {},
): Promise<TenantRuntime[]> {
  const baseUrl = (options.baseUrl ?? 'https://login.microsoftonline.com').replace(/\/$/, '');
  const issuerStyle = options.issuerStyle ?? (baseUrl === 'https://login.microsoftonline.com' ? 'entra' : 'local');
  return Promise.all(
    loadTenants(options.tenants).map((t) => createTenantRuntime(t, { baseUrl, issuerStyle, keysDir: options.keysDir, lifetime: { min: 3600, max: 5400 } })),
  );
}
