import { request, type Dispatcher } from 'undici';
import { importJwk, type KeyRecord } from './import-jwk.ts';
import { GatecheckError } from '../../errors/index.ts';

export interface JwksCacheOptions {
  refreshSeconds: number;
  unknownKidCooldownSeconds: number;
  staleIfErrorSeconds: number;
  failedRetrySeconds: number;
  timeoutMs: number;
  maxBytes: number;
  maxKeys: number;
  minRsaBits: number;
  /** Carries the extra trusted CAs (`jwks.caFile`); absent: undici's global dispatcher (system roots). */
  dispatcher?: Dispatcher;
}

export interface JwksSource {
  /** The issuer a discovery document must announce (exact, RFC 8414 §3.3). */
  issuer: string;
  discoveryUrl?: string;
  jwksUri?: string;
  keys?: Record<string, unknown>[];
}

export interface JwksEvents {
  /** One call per HTTP fetch attempt (discovery or JWKS), for metrics and logs. */
  onFetch?(kind: 'discovery' | 'jwks', ok: boolean, error?: string): void;
  /** Keys that left the JWKS: verified tokens they signed must stop being served. */
  onKeysRemoved?(records: KeyRecord[]): void;
  /** Keys in a JWKS that were ignored, with why. */
  onKeyIgnored?(kid: unknown, why: string): void;
}

export class JwksFetchError extends GatecheckError {
  constructor(message: string) {
    super('ERR_JWKS_FETCH', message);
  }
}

const MAX_REDIRECTS = 3;

/**
 * One issuer's (or one tenant's) verification keys: from discovery, a JWKS URL or static JWKs.
 *
 * - refreshed every `refreshSeconds`; a failed refresh retries after `failedRetrySeconds`;
 * - an unknown `kid` forces a refresh at most once per `unknownKidCooldownSeconds` since the last fetch,
 *   so a flood of random kids costs the IdP at most one request per cooldown (catalogue H07, C10);
 * - stale-if-error: cached keys keep serving while the IdP is down, for `staleIfErrorSeconds` past
 *   their refresh time, then the gateway fails closed (H02, H01);
 * - one fetch in flight at a time (single-flight), bounded by a timeout and a size limit, same-origin
 *   redirects only; a bad document never replaces good keys (H04).
 */
export class JwksCache {
  readonly source: JwksSource;
  readonly #options: JwksCacheOptions;
  readonly #events: JwksEvents;
  readonly #now: () => number;
  #byKid = new Map<string, KeyRecord>();
  #keys: KeyRecord[] = [];
  #lastSuccessAt = Number.NEGATIVE_INFINITY;
  #lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<boolean> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #lastError: string | undefined;

  constructor(source: JwksSource, options: JwksCacheOptions, events: JwksEvents = {}, now: () => number = Date.now) {
    this.source = source;
    this.#options = options;
    this.#events = events;
    this.#now = now;
  }

  get isStatic(): boolean {
    return this.source.keys !== undefined;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Loads static keys, or fetches once and schedules refreshes. Never throws: an IdP that is down at start means 503s, not a crash. */
  async start(): Promise<void> {
    if (this.source.keys) {
      const records = this.#importAll(this.source.keys);
      if (records.length === 0) throw new JwksFetchError('no usable key among the static keys');
      this.#install(records);
      return;
    }
    await this.refresh();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Whether keys are available: fresh, or stale but within the stale-if-error window. */
  hasKeys(): boolean {
    if (this.#keys.length === 0) return false;
    if (this.isStatic) return true;
    const { refreshSeconds, staleIfErrorSeconds } = this.#options;
    return this.#now() < this.#lastSuccessAt + (refreshSeconds + staleIfErrorSeconds) * 1000;
  }

  lookup(kid: string): KeyRecord | undefined {
    return this.hasKeys() ? this.#byKid.get(kid) : undefined;
  }

  keys(): readonly KeyRecord[] {
    return this.hasKeys() ? this.#keys : [];
  }

  /** Makes sure keys are there, fetching if nothing usable is cached (with a back-off after failures). */
  async ensureKeys(): Promise<boolean> {
    if (this.hasKeys()) return true;
    if (this.isStatic) return false;
    if (this.#inflight) return (await this.#inflight) && this.hasKeys();
    if (this.#now() - this.#lastFailureAt < this.#options.failedRetrySeconds * 1000) return false;
    return (await this.refresh()) && this.hasKeys();
  }

  /**
   * Called when a token names a kid we don't have. Joins a fetch in flight, or starts one if the last
   * fetch began at least a cooldown ago; otherwise returns false at once without touching the IdP.
   */
  async refreshForUnknownKid(): Promise<boolean> {
    if (this.isStatic) return false;
    if (this.#inflight) return this.#inflight;
    if (this.#now() - this.#lastFetchStartedAt < this.#options.unknownKidCooldownSeconds * 1000) return false;
    return this.refresh();
  }

  /** Fetches now (single-flight). Resolves true when new keys were installed. */
  refresh(): Promise<boolean> {
    if (this.isStatic) return Promise.resolve(false);
    if (this.#inflight) return this.#inflight;
    this.#lastFetchStartedAt = this.#now();
    this.#inflight = this.#fetchKeys().then(
      (records) => {
        this.#install(records);
        this.#lastSuccessAt = this.#now();
        this.#lastError = undefined;
        this.#schedule(this.#options.refreshSeconds);
        return true;
      },
      (err: unknown) => {
        this.#lastFailureAt = this.#now();
        this.#lastError = err instanceof Error ? err.message : String(err);
        this.#schedule(Math.min(this.#options.failedRetrySeconds, this.#options.refreshSeconds));
        return false;
      },
    ).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  #schedule(seconds: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), seconds * 1000);
    this.#timer.unref();
  }

  async #fetchKeys(): Promise<KeyRecord[]> {
    let jwksUri = this.source.jwksUri;
    if (this.source.discoveryUrl) {
      const doc = await this.#fetchJson('discovery', this.source.discoveryUrl);
      if (!isObject(doc)) throw this.#fail('discovery', 'discovery document is not a JSON object');
      if (doc.issuer !== this.source.issuer) {
        throw this.#fail('discovery', `discovery issuer ${JSON.stringify(doc.issuer)} is not ${JSON.stringify(this.source.issuer)}`);
      }
      if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//i.test(doc.jwks_uri) || !URL.canParse(doc.jwks_uri)) {
        throw this.#fail('discovery', 'discovery document has no http(s) jwks_uri');
      }
      this.#events.onFetch?.('discovery', true);
      jwksUri = doc.jwks_uri;
    }
    if (!jwksUri) throw new JwksFetchError('no JWKS source');
    const jwks = await this.#fetchJson('jwks', jwksUri);
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw this.#fail('jwks', 'JWKS has no "keys" array');
    if (jwks.keys.length > this.#options.maxKeys) throw this.#fail('jwks', `JWKS has more than ${this.#options.maxKeys} keys`);
    const records = this.#importAll(jwks.keys);
    if (records.length === 0) throw this.#fail('jwks', 'JWKS has no usable signing key');
    this.#events.onFetch?.('jwks', true);
    return records;
  }

  #fail(kind: 'discovery' | 'jwks', message: string): JwksFetchError {
    this.#events.onFetch?.(kind, false, message);
    return new JwksFetchError(message);
  }

  #importAll(jwks: unknown[]): KeyRecord[] {
    const records: KeyRecord[] = [];
    for (const jwk of jwks) {
      const imported = isObject(jwk) ? importJwk(jwk, this.#options.minRsaBits) : 'not an object';
      if (typeof imported === 'string') this.#events.onKeyIgnored?.(isObject(jwk) ? jwk.kid : undefined, imported);
      else records.push(imported);
    }
    return records;
  }

  /** Keeps existing records for unchanged keys so verified-token cache entries stay valid across refreshes. */
  #install(fresh: KeyRecord[]): void {
    const previous = new Map(this.#keys.map((r) => [r.fingerprint, r]));
    const next = fresh.map((r) => previous.get(r.fingerprint) ?? r);
    const kept = new Set(next);
    const removed = this.#keys.filter((r) => !kept.has(r));
    for (const r of removed) r.active = false;
    this.#keys = next;
    this.#byKid = new Map();
    for (const r of next) if (r.kid !== undefined && !this.#byKid.has(r.kid)) this.#byKid.set(r.kid, r);
    if (removed.length > 0) this.#events.onKeysRemoved?.(removed);
  }

  async #fetchJson(kind: 'discovery' | 'jwks', url: string): Promise<unknown> {
    const { timeoutMs, maxBytes } = this.#options;
    const signal = AbortSignal.timeout(timeoutMs);
    let current = new URL(url);
    try {
      for (let hop = 0; ; hop++) {
        const res = await request(current, {
          method: 'GET',
          headers: { accept: 'application/json' },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal,
          ...(this.#options.dispatcher ? { dispatcher: this.#options.dispatcher } : {}),
        });
        if (res.statusCode >= 300 && res.statusCode < 400 && typeof res.headers.location === 'string') {
          await res.body.dump();
          const next = new URL(res.headers.location, current);
          // A redirect to another origin would let whoever controls it choose our keys.
          if (next.origin !== current.origin) throw this.#fail(kind, `refused cross-origin redirect to ${next.origin}`);
          if (hop >= MAX_REDIRECTS) throw this.#fail(kind, 'too many redirects');
          current = next;
          continue;
        }
        if (res.statusCode !== 200) {
          await res.body.dump();
          throw this.#fail(kind, `${current.href} answered ${res.statusCode}`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > maxBytes) {
            res.body.destroy();
            throw this.#fail(kind, `${current.href} is larger than ${maxBytes} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
        try {
          return JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          throw this.#fail(kind, `${current.href} is not JSON`);
        }
      }
    } catch (err) {
      if (err instanceof JwksFetchError) throw err;
      const name = (err as Error).name;
      const message = name === 'TimeoutError' || name === 'AbortError' || (err as { code?: string }).code?.includes('TIMEOUT')
        ? `${current.href} timed out after ${timeoutMs} ms`
        : `${current.href}: ${(err as Error).message}`;
      throw this.#fail(kind, message);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
