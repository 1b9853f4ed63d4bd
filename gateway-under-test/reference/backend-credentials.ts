import { request } from 'undici';
import { GatewayConfigError, type GatewayConfig } from './config.ts';
import { GatecheckError } from '../../errors/index.ts';

export class BackendCredentialsError extends GatecheckError {
  constructor(message: string) {
    super('ERR_BACKEND_CREDENTIALS', message);
  }
}

type Config = NonNullable<GatewayConfig['backendCredentials']>;
type ManagedIdentityConfig = NonNullable<Config['managedIdentity']>;

/** The metadata service's fixed address on every Azure VM (Microsoft Learn, how-to-use-vm-token). */
const IMDS_ENDPOINT = 'http://169.254.169.254/metadata/identity/oauth2/token';
const IMDS_PATH = '/metadata/identity/oauth2/token';

/** One token request: where, how, and with what. */
interface TokenRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/**
 * A token for the upstream, cached until `refreshBeforeExpirySeconds` before it expires; one request in
 * flight at a time. Obtained by the client credentials grant (RFC 6749 §4.4), or from the host's managed
 * identity: App Service's `IDENTITY_ENDPOINT` or a VM's metadata service, whichever `managedIdentity.source`
 * names, with the request each of them documents (Microsoft Learn: App Service overview-managed-identity,
 * managed identities how-to-use-vm-token).
 */
export class BackendCredentials {
  readonly #config: Config;
  readonly #now: () => number;
  readonly #request: TokenRequest;
  #token: string | null = null;
  #expiresAt = 0;
  #inflight: Promise<string> | null = null;
  fetches = 0;

  /** `env`: where the managed-identity defaults come from (the process environment, as the Azure SDKs read it). */
  constructor(config: Config, now: () => number = Date.now, env: NodeJS.ProcessEnv = process.env) {
    this.#config = config;
    this.#now = now;
    this.#request = config.managedIdentity ? managedIdentityRequest(config.managedIdentity, config.scope, env) : clientCredentialsRequest(config);
  }

  token(): Promise<string> | string {
    if (this.#token && this.#now() < this.#expiresAt - this.#config.refreshBeforeExpirySeconds * 1000) return this.#token;
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<string> {
    this.fetches++;
    const r = this.#request;
    let res;
    try {
      res = await request(r.url, { method: r.method, headers: { accept: 'application/json', ...r.headers }, body: r.body, headersTimeout: 10_000, bodyTimeout: 10_000 });
    } catch (err) {
      throw new BackendCredentialsError(`token endpoint unreachable: ${(err as Error).message}`);
    }
    const json = (await res.body.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown; expires_on?: unknown } | null;
    if (res.statusCode !== 200 || !json || typeof json.access_token !== 'string') {
      throw new BackendCredentialsError(`token endpoint answered ${res.statusCode}`);
    }
    this.#token = json.access_token;
    this.#expiresAt = expiresAt(json, this.#now());
    return this.#token;
  }
}

function clientCredentialsRequest(c: Config): TokenRequest {
  // The schema guarantees all three without managedIdentity.
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId!, client_secret: c.clientSecret!, scope: c.scope });
  return { url: c.tokenEndpoint!, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() };
}

/** The managed-identity endpoints take the resource (App ID URI), not a scope: `api://x/.default` → `api://x`, as Azure's SDKs map it. */
function resourceOf(scope: string): string {
  return scope.endsWith('/.default') ? scope.slice(0, -'/.default'.length) : scope;
}

function managedIdentityRequest(m: ManagedIdentityConfig, scope: string, env: NodeJS.ProcessEnv): TokenRequest {
  const key = 'backendCredentials.managedIdentity';
  if (m.source === 'app-service') {
    const endpoint = m.endpoint ?? env.IDENTITY_ENDPOINT;
    const header = m.identityHeader ?? env.IDENTITY_HEADER;
    if (!endpoint) throw new GatewayConfigError(`${key}.endpoint`, 'no App Service identity endpoint: set it, or run where IDENTITY_ENDPOINT is set');
    if (!header) throw new GatewayConfigError(`${key}.identityHeader`, 'no X-IDENTITY-HEADER value: set it, or run where IDENTITY_HEADER is set');
    const url = new URL(endpoint);
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', resourceOf(scope));
    if (m.clientId) url.searchParams.set('client_id', m.clientId);
    if (m.principalId) url.searchParams.set('principal_id', m.principalId);
    if (m.resourceId) url.searchParams.set('mi_res_id', m.resourceId);
    return { url: url.href, method: 'GET', headers: { 'x-identity-header': header } };
  }
  const authorityHost = env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  const url = new URL(m.endpoint ?? (authorityHost ? `${authorityHost.replace(/\/$/, '')}${IMDS_PATH}` : IMDS_ENDPOINT));
  url.searchParams.set('api-version', '2018-02-01');
  url.searchParams.set('resource', resourceOf(scope));
  if (m.clientId) url.searchParams.set('client_id', m.clientId);
  if (m.principalId) url.searchParams.set('object_id', m.principalId);
  if (m.resourceId) url.searchParams.set('msi_res_id', m.resourceId);
  return { url: url.href, method: 'GET', headers: { metadata: 'true' } };
}

/**
 * When the token expires: `expires_on` (epoch seconds; a string from the managed-identity services),
 * else `expires_in` (seconds; a number from a token endpoint, a string from IMDS), else in five minutes.
 */
function expiresAt(json: { expires_in?: unknown; expires_on?: unknown }, now: number): number {
  const on = Number(json.expires_on);
  if (json.expires_on !== undefined && Number.isFinite(on) && on > 0) return on * 1000;
  const inSeconds = Number(json.expires_in);
  return now + (json.expires_in !== undefined && Number.isFinite(inSeconds) && inSeconds > 0 ? inSeconds : 300) * 1000;
}
