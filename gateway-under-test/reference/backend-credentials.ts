import { request } from 'undici';
import type { GatewayConfig } from './config.ts';
import { GatecheckError } from '../../errors/index.ts';

export class BackendCredentialsError extends GatecheckError {
  constructor(message: string) {
    super('ERR_BACKEND_CREDENTIALS', message);
  }
}

/**
 * A token for the upstream obtained by the client credentials grant (RFC 6749 §4.4), cached until
 * `refreshBeforeExpirySeconds` before it expires; one request in flight at a time.
 */
export class BackendCredentials {
  readonly #config: NonNullable<GatewayConfig['backendCredentials']>;
  readonly #now: () => number;
  #token: string | null = null;
  #expiresAt = 0;
  #inflight: Promise<string> | null = null;
  fetches = 0;

  constructor(config: NonNullable<GatewayConfig['backendCredentials']>, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
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
    const c = this.#config;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: c.scope });
    let res;
    try {
      res = await request(c.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (err) {
      throw new BackendCredentialsError(`token endpoint unreachable: ${(err as Error).message}`);
    }
    const json = (await res.body.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (res.statusCode !== 200 || !json || typeof json.access_token !== 'string') {
      throw new BackendCredentialsError(`token endpoint answered ${res.statusCode}`);
    }
    const expiresIn = Number(json.expires_in);
    this.#token = json.access_token;
    this.#expiresAt = this.#now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300) * 1000;
    return this.#token;
  }
}
