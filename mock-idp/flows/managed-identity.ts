import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { accessTokenClaims } from '../entra/access-token-claims.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import type { Client, ManagedIdentity } from '../tenants/tenant-schema.ts';
import { apiForResource, resourceIndicator } from './resources.ts';

/**
 * The two local token services Azure gives code that runs under a managed identity, each with its own
 * request and answer shapes:
 *
 * - `app-service`: App Service and Functions' `IDENTITY_ENDPOINT` (Microsoft Learn, App Service
 *   overview-managed-identity, "REST endpoint reference"): `GET ?resource=…&api-version=2019-08-01`
 *   with `X-IDENTITY-HEADER: $IDENTITY_HEADER`; a user-assigned identity by `client_id`,
 *   `principal_id` (alias `object_id`) or `mi_res_id`; errors as `{statusCode, message, correlationId}`.
 * - `imds`: the instance metadata service of VMs (Microsoft Learn, managed identities how-to-use-vm-token):
 *   `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with `Metadata: true`; a
 *   user-assigned identity by `client_id`, `object_id` or `msi_res_id`; errors as `{error, error_description}`.
 *
 * Both issue app-only tokens for the identity's service principal, shaped by the API as Entra's are.
 */
export type IdentityEndpoint = 'app-service' | 'imds';

export const APP_SERVICE_API_VERSION = '2019-08-01';
export const IMDS_API_VERSION = '2018-02-01';
/** IMDS versions that serve identity tokens: 2018-02-01 and the later ones the IMDS article lists. */
const IMDS_API_VERSIONS = [
  '2018-02-01', '2018-04-02', '2018-10-01', '2019-02-01', '2019-03-11', '2019-04-30', '2019-06-01', '2019-06-04',
  '2019-08-01', '2019-08-15', '2019-11-01', '2020-06-01', '2020-07-15', '2020-09-01', '2020-10-01',
];

/** An error in the endpoint's own shape: status and body. */
interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function appServiceError(status: number, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { statusCode: status, message, correlationId: randomUUID() }, headers };
}

function imdsError(status: number, error: string, description: string, headers?: Record<string, string>): Answer {
  return { status, body: { error, error_description: description }, headers };
}

/** Query parameters naming a user-assigned identity, per endpoint, and which identity field each matches. */
const ID_PARAMETERS: Record<IdentityEndpoint, [string, (m: ManagedIdentity, v: string) => boolean][]> = {
  'app-service': [
    ['client_id', (m, v) => m.clientId === v.toLowerCase()],
    ['principal_id', (m, v) => m.principalId === v.toLowerCase()],
    ['object_id', (m, v) => m.principalId === v.toLowerCase()],
    ['mi_res_id', (m, v) => m.resourceId.toLowerCase() === v.toLowerCase()],
  ],
  imds: [
    ['client_id', (m, v) => m.clientId === v.toLowerCase()],
    ['object_id', (m, v) => m.principalId === v.toLowerCase()],
    ['msi_res_id', (m, v) => m.resourceId.toLowerCase() === v.toLowerCase()],
  ],
};

/** The request's identity, or the endpoint's answer for why there is none. */
function selectIdentity(kind: IdentityEndpoint, rt: TenantRuntime, query: URLSearchParams): { identity: ManagedIdentity } | Answer {
  const given = ID_PARAMETERS[kind].filter(([name]) => query.get(name));
  if (given.length > 1) {
    const names = given.map(([name]) => name).join(', ');
    return kind === 'app-service'
      ? appServiceError(400, `Only one of client_id, principal_id, object_id and mi_res_id may be given; the request has ${names}.`)
      : imdsError(400, 'invalid_request', `Only one of client_id, object_id and msi_res_id may be given; the request has ${names}.`);
  }
  const identities = rt.tenant.managedIdentities;
  const identity = given.length
    ? identities.find((m) => given[0][1](m, query.get(given[0][0])!))
    : identities.find((m) => m.type === 'system-assigned');
  if (identity) return { identity };
  // App Service's answer when the identity asked for (or the system-assigned one) is not on the app;
  // IMDS's when it is not on the VM (both as the services answer them, seen in Azure SDK issue threads).
  return kind === 'app-service' ? appServiceError(400, 'Unable to load the proper Managed Identity.') : imdsError(400, 'invalid_request', 'Identity not found');
}

/** Checks what each endpoint checks before it looks at the identity: method, its header, api-version, resource. */
function checkRequest(kind: IdentityEndpoint, rt: TenantRuntime, req: IncomingMessage, query: URLSearchParams): Answer | undefined {
  if (req.method !== 'GET') {
    const allow = { allow: 'GET' };
    return kind === 'app-service'
      ? appServiceError(405, `The managed identity endpoint accepts GET requests only, not ${req.method}.`, allow)
      : imdsError(405, 'invalid_request', `The managed identity endpoint accepts GET requests only, not ${req.method}.`, allow);
  }
  const apiVersion = query.get('api-version');
  if (kind === 'imds') {
    // IMDS wants the header exactly `true`, in lower case, and names no other reason (how-to-use-vm-token, error handling).
    if (req.headers.metadata !== 'true') return imdsError(400, 'bad_request_102', 'Required metadata header not specified');
    if (!apiVersion) {
      return { status: 400, body: { error: 'Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds', 'newest-versions': IMDS_API_VERSIONS.slice(-3).reverse() } };
    }
    if (!IMDS_API_VERSIONS.includes(apiVersion)) {
      return { status: 400, body: { error: 'Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds', 'newest-versions': IMDS_API_VERSIONS.slice(-3).reverse() } };
    }
    if (!query.get('resource')) {
      return imdsError(400, 'invalid_request', 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. (resource is missing)');
    }
    return undefined;
  }
  const header = req.headers['x-identity-header'];
  if (typeof header !== 'string' || header !== rt.identityHeader) {
    return appServiceError(401, `The X-IDENTITY-HEADER request header is ${header === undefined ? 'missing' : 'not the value of IDENTITY_HEADER'}; send the IDENTITY_HEADER value this endpoint was started with.`);
  }
  if (apiVersion !== APP_SERVICE_API_VERSION) {
    return appServiceError(400, `${apiVersion ? `api-version ${apiVersion} is not supported` : 'api-version is missing'}: this endpoint serves api-version=${APP_SERVICE_API_VERSION} (the 2017-09-01 protocol used the secret header and clientid).`);
  }
  if (!query.get('resource')) return appServiceError(400, 'The resource query parameter is missing: name the App ID URI or application id of the API to get a token for.');
  return undefined;
}

/** The identity's service principal in the shape the claim builder takes for a client: a certificate-authenticated app. */
function asClient(m: ManagedIdentity): Client {
  return { name: m.name, clientId: m.clientId, objectId: m.principalId, appRoles: m.appRoles, delegatedPermissions: {}, public: false, allowPublicClient: false, redirectUris: [] };
}

/**
 * Answers one managed-identity token request (`GET …/msi/token` or `GET …/metadata/identity/oauth2/token`)
 * for the tenant. The caller has already logged it and applied the tenant's `token` faults.
 */
export async function serveManagedIdentityToken(kind: IdentityEndpoint, rt: TenantRuntime, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  req.resume();
  const refused = checkRequest(kind, rt, req, query);
  if (refused) return send(res, refused);
  const selected = selectIdentity(kind, rt, query);
  if (!('identity' in selected)) return send(res, selected);
  const { identity } = selected;
  const resource = query.get('resource')!;
  const api = apiForResource(rt.tenant, resourceIndicator(resource.trim()));
  if (!api) {
    return send(res, kind === 'app-service'
      ? appServiceError(400, `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${rt.tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`)
      : imdsError(400, 'invalid_resource', `AADSTS50001: The application named ${resource} was not found in the tenant named ${rt.tenant.id}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`));
  }
  const now = rt.now();
  const lifetime = rt.accessTokenLifetime();
  // MSAL sends the client capabilities it was configured with (`xms_cc=cp1`) as a query parameter.
  const capabilities = (query.get('xms_cc') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  const { version, payload: built } = accessTokenClaims({
    tenant: rt.tenant,
    issuers: rt.issuers,
    api,
    client: asClient(identity),
    requestedAs: resource,
    // Managed identity tokens record certificate authentication of the service principal (appidacr 2).
    clientAuth: 2,
    now,
    lifetimeSeconds: lifetime,
    capabilities,
    extra: { xms_mirid: identity.resourceId },
  });
  const payload = rt.claimOverrides.apply(built, { clientId: identity.clientId });
  const key = rt.keys.primary();
  const header = version === 1 ? { alg: 'RS256', typ: 'JWT', x5t: key.kid, kid: key.kid } : { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const token = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
  const exp = Number(payload.exp);
  // Both services write the times as strings of epoch seconds.
  const body = kind === 'app-service'
    ? { access_token: token, expires_on: String(exp), not_before: String(now), resource, token_type: 'Bearer', client_id: identity.clientId }
    : { access_token: token, refresh_token: '', expires_in: String(exp - now), expires_on: String(exp), not_before: String(now), resource, token_type: 'Bearer' };
  return send(res, { status: 200, body });
}

function send(res: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...answer.headers });
  res.end(text);
}
