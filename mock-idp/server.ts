import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { beforeEndpoint } from './control/endpoint-hook.ts';
import type { ControlState } from './control/control-state.ts';
import { rewriteDiscovery } from './control/rewrite-discovery.ts';
import type { TlsFaultListeners } from './control/tls-fault-listeners.ts';
import { entraErrorBody } from './entra/entra-error.ts';
import { instanceDiscoveryDocument, v1DiscoveryDocument, v2DiscoveryDocument } from './entra/discovery-documents.ts';
import { templateIssuers, type IssuerStyle } from './entra/issuers.ts';
import { deviceCodeBook, type DeviceCodeSettings } from './flows/device-codes.ts';
import type { mountedCallback } from './provider.ts';
import { findTenant, type TenantRuntime } from './tenant-runtime.ts';
import { serveRevocationList } from './cae/revocation-list.ts';
import type { IdentityEndpoint } from './flows/managed-identity.ts';

/**
 * oidc-provider (with Koa), the workbench and the headless sign-in load on first use: they are most of
 * the mock's start-up time, and discovery and keys, which gateways ask for first, need none of them.
 * `preloadRouter()` warms them in the background once the mock is listening.
 */
const lazy = {
  provider: () => import('./provider.ts'),
  front: () => import('./flows/token-front.ts'),
  managedIdentity: () => import('./flows/managed-identity.ts'),
  interaction: () => import('./interaction.ts'),
  ui: () => import('./ui/ui-routes.ts'),
};

export async function preloadRouter(): Promise<void> {
  await Promise.all(Object.values(lazy).map((load) => load()));
}

export interface RouterDeps {
  baseUrl: string;
  issuerStyle: IssuerStyle;
  tenants: TenantRuntime[];
  state: ControlState;
  idTokenLifetimeSeconds: number;
  deviceCode: DeviceCodeSettings;
  adminToken?: string;
  /** `Cache-Control: max-age` of the revocation lists. */
  revocationListMaxAgeSeconds: number;
  /** The control API; called only after the caller passed the loopback / admin-token check. */
  admin: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Where the `rewrite` fault's `jwksTls` moves the keys. */
  tlsFaults: TlsFaultListeners;
}

/** Entra's headers on discovery documents and keys, as login.microsoftonline.com serves them (any tenant's public document). */
const DOCUMENT_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'max-age=86400, private',
  'access-control-allow-origin': '*',
};

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));
}

/**
 * Loopback is not a trust boundary against the browser on the same machine: any web page can POST to
 * 127.0.0.1 (a simple request needs no CORS preflight) or reach it through DNS rebinding. Browsers name
 * the page in `Origin` on every cross-origin POST and keep the attacker's host in `Host`; tools such as
 * the harness, curl and MSAL send neither, so refusing both costs them nothing.
 */
function foreignBrowserRequest(req: IncomingMessage, baseUrl: string): string | undefined {
  const own = new URL(baseUrl);
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== own.origin) return `requests from the web page at ${origin} may not use the control API`;
  const host = req.headers.host;
  if (host !== undefined && host !== own.host && !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i.test(host)) {
    return `the control API answers for its own host only, not "${host}"`;
  }
  return undefined;
}

function adminAllowed(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return isLoopback(req.socket.remoteAddress);
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The mock's HTTP front: Entra's documents and keys are served here (oidc-provider cannot produce
 * Entra's field lists or `x5t`/`issuer` on keys), protocol endpoints go to the tenant's oidc-provider.
 */
export function createRouter(deps: RouterDeps) {
  const providers = new Map<string, { version: number; provider: Provider; handle: ReturnType<typeof mountedCallback> }>();
  const providerFor = async (rt: TenantRuntime) => {
    let entry = providers.get(rt.tenant.id);
    if (!entry || entry.version !== rt.keys.version) {
      const { buildProvider, mountedCallback } = await lazy.provider();
      const provider = buildProvider(rt, { idTokenLifetimeSeconds: deps.idTokenLifetimeSeconds, deviceCode: deps.deviceCode });
      entry = { version: rt.keys.version, provider, handle: mountedCallback(provider) };
      providers.set(rt.tenant.id, entry);
    }
    return entry;
  };
  for (const rt of deps.tenants) deviceCodeBook(rt, deps.deviceCode).attach(async () => (await providerFor(rt)).provider);
  const templates = templateIssuers(deps.baseUrl, deps.issuerStyle);
  const commonUrls = { tenantBase: `${deps.baseUrl}/common`, commonBase: `${deps.baseUrl}/common` };

  const index = () => ({
    service: 'gatecheck mock-idp (Microsoft Entra ID compatible)',
    issuerStyle: deps.issuerStyle,
    tenants: deps.tenants.map((rt) => ({
      name: rt.tenant.name,
      id: rt.tenant.id,
      domain: rt.tenant.domain,
      issuer: rt.issuers.v2,
      issuerV1: rt.issuers.v1,
      discovery: rt.urls.discoveryV2,
      discoveryV1: rt.urls.discoveryV1,
      jwks: rt.urls.jwksV2,
      token: rt.urls.token,
      authorize: rt.urls.authorize,
      managedIdentity: managedIdentityInfo(rt),
      revocations: rt.urls.revocations,
    })),
    common: {
      discovery: `${deps.baseUrl}/common/v2.0/.well-known/openid-configuration`,
      keys: `${deps.baseUrl}/common/discovery/keys`,
      instanceDiscovery: `${deps.baseUrl}/common/discovery/instance`,
    },
    admin: `${deps.baseUrl}/_admin`,
  });

  /** Keys of every tenant: Entra's `common` keys are shared; ours are per tenant, so `common` publishes them all. */
  const commonKeys = (issuer?: string) => ({ keys: deps.tenants.flatMap((rt) => rt.keys.jwks(issuer).keys) });

  async function endpoint(rt: TenantRuntime, kind: 'discovery' | 'jwks' | 'token', req: IncomingMessage, res: ServerResponse) {
    return beforeEndpoint(deps.state, rt, kind, req, res);
  }

  /** A managed-identity token request: logged and faulted as the tenant's token endpoint, which it is. */
  async function managedIdentityToken(kind: IdentityEndpoint, rt: TenantRuntime, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    if (await endpoint(rt, 'token', req, res)) return;
    return (await lazy.managedIdentity()).serveManagedIdentityToken(kind, rt, req, res, query);
  }

  /**
   * The attacker's server for jku/x5u injection: `/_attacker/{tenant}/jwks.json` publishes the tenant's
   * attacker keys (which sign the forged tokens) and `…/cert.pem` their certificate. A gateway that
   * follows the header fetches from here; the request log counts it under `attacker`.
   */
  function attackerListener(segments: string[], req: IncomingMessage, res: ServerResponse): void {
    const rt = segments[1] ? findTenant(deps.tenants, segments[1]) : undefined;
    if (!rt || segments.length !== 3 || !['jwks.json', 'cert.pem'].includes(segments[2])) {
      return sendJson(res, 404, { error: 'not_found', error_description: 'the attacker listener serves /_attacker/{tenant}/jwks.json and /_attacker/{tenant}/cert.pem' });
    }
    deps.state.requests.record({
      tenant: rt.tenant.name,
      tenantId: rt.tenant.id,
      endpoint: 'attacker',
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      at: Date.now(),
    });
    const attackers = rt.keys.list().filter((k) => k.state === 'attacker');
    if (segments[2] === 'cert.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file', 'cache-control': 'no-store' });
      res.end(attackers.map((k) => k.certificatePem).join(''));
      return;
    }
    // A real attacker serves its key under whatever kid its token claims, the victim's included.
    const kids = rt.keys.published().map((k) => k.kid);
    return sendJson(res, 200, {
      keys: attackers.flatMap((k) => [k.publicJwk(), ...kids.map((kid) => ({ ...k.publicJwk(), kid, x5t: kid }))]),
    });
  }

  /**
   * The tenant's key set at a second address, `/_moved/{tenant}/discovery/v2.0/keys`, where the `rewrite`
   * discovery fault can move `jwks_uri` (an IdP moving its keys). Logged as a `jwks` request; faults on
   * the `jwks` endpoint hit the tenant's usual key paths only, so "old address down, new one up" is one
   * fault on each endpoint.
   */
  function movedKeys(segments: string[], req: IncomingMessage, res: ServerResponse): void {
    const rt = segments[1] ? findTenant(deps.tenants, safeDecode(segments[1]) ?? '') : undefined;
    if (!rt || segments.slice(2).join('/') !== 'discovery/v2.0/keys' || req.method !== 'GET') {
      return sendJson(res, 404, { error: 'not_found', error_description: 'the moved key set is served at GET /_moved/{tenant}/discovery/v2.0/keys' });
    }
    deps.state.requests.record({ tenant: rt.tenant.name, tenantId: rt.tenant.id, endpoint: 'jwks', method: 'GET', path: (req.url ?? '/').split('?')[0], at: Date.now() });
    return sendJson(res, 200, rt.keys.jwks(rt.issuers.v2), DOCUMENT_HEADERS);
  }

  /** `GET /_cae/{tenant}/revocations`: the tenant's revocation list (gatecheck's stand-in for CAE critical events). */
  function revocationList(segments: string[], req: IncomingMessage, res: ServerResponse): void {
    const rt = segments[1] ? findTenant(deps.tenants, safeDecode(segments[1]) ?? '') : undefined;
    if (!rt || segments.length !== 3 || segments[2] !== 'revocations' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendJson(res, 404, { error: 'not_found', error_description: 'the revocation list is served at GET /_cae/{tenant}/revocations' });
    }
    serveRevocationList(rt, deps.revocationListMaxAgeSeconds, req, res);
  }

  const discoveryFor = (rt: TenantRuntime, doc: Record<string, unknown>) =>
    rewriteDiscovery(deps.state.faults.get(rt.tenant.id, 'discovery'), doc, { baseUrl: deps.baseUrl, tenantId: rt.tenant.id, tls: deps.tlsFaults });

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // An absolute-form target such as `http://[` is legal on the wire but not a URL: the caller's 400, not our 500.
    if (!URL.canParse(req.url ?? '/', deps.baseUrl)) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'the request target is not a valid URL' });
    }
    const url = new URL(req.url ?? '/', deps.baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const segments = path.split('/').filter(Boolean);

    if (path === '/' && method === 'GET') return sendJson(res, 200, index());
    // The workbench page drives the control API, so it is guarded exactly like it.
    if (segments[0] === '_admin' || segments[0] === '_ui') {
      if (!adminAllowed(req, deps.adminToken)) {
        return sendJson(res, deps.adminToken ? 401 : 403, {
          error: 'access_denied',
          error_description: deps.adminToken
            ? 'the control API needs the admin token as a bearer token'
            : 'the control API answers loopback callers only; start the mock with --admin-token to expose it',
        }, deps.adminToken ? { 'www-authenticate': 'Bearer realm="gatecheck-admin"' } : {});
      }
      const foreign = foreignBrowserRequest(req, deps.baseUrl);
      if (foreign) return sendJson(res, 403, { error: 'access_denied', error_description: foreign });
      if (segments[0] === '_ui') return (await lazy.ui()).handleUi({ tenants: deps.tenants, state: deps.state }, req, res);
      return deps.admin(req, res);
    }

    if (segments[0] === '_attacker') return attackerListener(segments, req, res);
    if (segments[0] === '_cae') return revocationList(segments, req, res);
    // The managed-identity endpoints at the root, as a local token service serves them, for the first tenant.
    const identityEndpoint = managedIdentityPath(path);
    if (identityEndpoint && deps.tenants[0]) return managedIdentityToken(identityEndpoint, deps.tenants[0], req, res, url.searchParams);
    if (segments[0] === '_moved') return movedKeys(segments, req, res);

    const [segment, ...rest] = segments;
    const sub = `/${rest.join('/')}`;
    if (segment && MULTI_TENANT.has(segment.toLowerCase())) {
      if (method === 'GET' && sub === '/discovery/instance') {
        const authority = url.searchParams.get('authorization_endpoint');
        // Entra answers an authority it can't parse with 400 invalid_instance (AADSTS50049), not a server error.
        if (authority && !URL.canParse(authority)) {
          return sendJson(res, 400, entraErrorBody(50049, 'invalid_instance', 'Unknown or invalid instance.'));
        }
        const tenantSegment = authority ? new URL(authority).pathname.split('/')[1] : 'common';
        return sendJson(res, 200, instanceDiscoveryDocument(
          url.host,
          `${deps.baseUrl}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
        ), DOCUMENT_HEADERS);
      }
      const urls = { tenantBase: `${deps.baseUrl}/${segment}`, commonBase: commonUrls.commonBase };
      if (method === 'GET' && sub === '/v2.0/.well-known/openid-configuration') return sendJson(res, 200, v2DiscoveryDocument(templates, urls), DOCUMENT_HEADERS);
      if (method === 'GET' && sub === '/.well-known/openid-configuration') return sendJson(res, 200, v1DiscoveryDocument(templates, urls), DOCUMENT_HEADERS);
      if (method === 'GET' && sub === '/discovery/v2.0/keys') return sendJson(res, 200, commonKeys(templates.v2), DOCUMENT_HEADERS);
      if (method === 'GET' && sub === '/discovery/keys') return sendJson(res, 200, commonKeys(), DOCUMENT_HEADERS);
      return sendJson(res, 400, entraErrorBody(90002, 'invalid_request',
        `The multi-tenant '${segment}' endpoints of this mock serve discovery documents and keys only; use a tenant's own endpoints (${deps.tenants.map((t) => t.tenant.name).join(', ')}) for ${sub}.`));
    }

    const decoded = segment ? safeDecode(segment) : undefined;
    if (segment && decoded === undefined) {
      // Broken percent-encoding (`/%E0/…`) names no tenant: Entra's 400 for a malformed tenant, not a 500 from decodeURIComponent.
      return sendJson(res, 400, entraErrorBody(900023, 'invalid_request', `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`));
    }
    const rt = decoded ? findTenant(deps.tenants, decoded) : undefined;
    if (!rt) {
      if (!segment) return sendJson(res, 404, { error: 'not_found', error_description: `no route for ${method} ${path}` });
      return sendJson(res, 400, entraErrorBody(90002, 'invalid_tenant',
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Known tenants: ${deps.tenants.map((t) => `${t.tenant.name} (${t.tenant.id}, ${t.tenant.domain})`).join(', ')}.`));
    }

    const tenantBase = `${deps.baseUrl}/${segment}`;
    const docUrls = { tenantBase, commonBase: commonUrls.commonBase };
    if (method === 'GET' && sub === '/v2.0/.well-known/openid-configuration') {
      if (await endpoint(rt, 'discovery', req, res)) return;
      return sendJson(res, 200, await discoveryFor(rt, v2DiscoveryDocument(rt.issuers, docUrls)), DOCUMENT_HEADERS);
    }
    if (method === 'GET' && sub === '/.well-known/openid-configuration') {
      if (await endpoint(rt, 'discovery', req, res)) return;
      return sendJson(res, 200, await discoveryFor(rt, v1DiscoveryDocument(rt.issuers, docUrls)), DOCUMENT_HEADERS);
    }
    if (method === 'GET' && (sub === '/discovery/v2.0/keys' || sub === '/discovery/keys')) {
      if (await endpoint(rt, 'jwks', req, res)) return;
      return sendJson(res, 200, rt.keys.jwks(sub.includes('v2.0') ? rt.issuers.v2 : undefined), DOCUMENT_HEADERS);
    }
    const tenantIdentityEndpoint = managedIdentityPath(sub);
    if (tenantIdentityEndpoint) return managedIdentityToken(tenantIdentityEndpoint, rt, req, res, url.searchParams);
    const isToken = sub === '/oauth2/v2.0/token' || sub === '/oauth2/token';
    if (isToken && (await endpoint(rt, 'token', req, res))) return;

    const { provider, handle } = await providerFor(rt);
    const forward = (r: IncomingMessage, s: ServerResponse) => handle(r, s, `/${segment}`);
    if (isToken) {
      return (await lazy.front()).frontTokenRequest({ runtime: rt, endpointVersion: sub === '/oauth2/token' ? 1 : 2, segment }, req, res, forward);
    }
    // Entra's v1 endpoints that the v1 discovery document advertises, served by their v2 counterparts.
    if (sub === '/oauth2/authorize' && method === 'GET') return (await lazy.front()).frontV1Authorize({ runtime: rt, segment }, req, res, forward);
    if (sub === '/oauth2/logout') {
      req.url = `/${segment}/oauth2/v2.0/logout${url.search}`;
      return forward(req, res);
    }
    if (method === 'GET' && rest[0] === 'interaction' && rest.length === 2) {
      req.url = req.url!.slice(`/${segment}`.length);
      return (await lazy.interaction()).handleInteraction(provider, rt, req, res);
    }
    return handle(req, res, `/${segment}`);
  };
}

/** Which managed-identity endpoint a path (under a tenant, or at the root) names: App Service's `/msi/token` or IMDS's. */
function managedIdentityPath(path: string): IdentityEndpoint | undefined {
  const p = path.replace(/\/$/, '').toLowerCase();
  if (p === '/msi/token') return 'app-service';
  if (p === '/metadata/identity/oauth2/token') return 'imds';
  return undefined;
}

/**
 * How code under a managed identity reaches this tenant's identities: the App Service and IMDS endpoints
 * with the header each wants and the environment variables Azure's SDKs read, and the identities.
 */
function managedIdentityInfo(rt: TenantRuntime) {
  return {
    appService: {
      endpoint: rt.urls.appServiceIdentity,
      apiVersion: '2019-08-01',
      header: { 'X-IDENTITY-HEADER': rt.identityHeader },
      env: { IDENTITY_ENDPOINT: rt.urls.appServiceIdentity, IDENTITY_HEADER: rt.identityHeader },
    },
    imds: {
      endpoint: rt.urls.imdsIdentity,
      apiVersion: '2018-02-01',
      header: { Metadata: 'true' },
      env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: rt.urls.imdsAuthorityHost },
    },
    identities: rt.tenant.managedIdentities.map((m) => ({ name: m.name, type: m.type, clientId: m.clientId, principalId: m.principalId, resourceId: m.resourceId })),
  };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
