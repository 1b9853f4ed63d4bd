import { request, type Dispatcher } from 'undici';

export interface RevocationListOptions {
  /** Longest time between two polls; a list's shorter `Cache-Control: max-age` wins. */
  refreshSeconds: number;
  timeoutMs: number;
  maxBytes: number;
  dispatcher?: Dispatcher;
}

/** Why a token is revoked: the claims challenge asks for a token issued from `notBefore` on. */
export interface RevocationHit {
  notBefore: number;
  /** The list's `authorizationUri`: where a client gets the new token. */
  authorizationUri?: string;
}

interface TenantList {
  users: Map<string, number>;
  sessions: Map<string, number>;
  authorizationUri?: string;
}

/** A poll that failed is tried again this soon (or at the refresh interval, if that is shorter). */
const FAILED_RETRY_SECONDS = 5;

/**
 * The revocation lists the gateway polls for continuous access evaluation (the gatecheck mock's
 * `/_cae/{tenant}/revocations`; Entra itself has no such API). Each list is fetched like a JWKS:
 * conditionally (`If-None-Match`), again after its `Cache-Control: max-age` (at most `refreshSeconds`),
 * bounded in time and size. A failed poll keeps the last good list: revocation is an addition to
 * signature and expiry checks, so losing the list means learning late, not letting forgeries in.
 */
export class RevocationLists {
  readonly #urls: readonly string[];
  readonly #options: RevocationListOptions;
  readonly #byTenant = new Map<string, TenantList>();
  readonly #etags = new Map<string, string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;
  /** The last poll failure per list URL, for health output and tests. */
  readonly errors = new Map<string, string>();

  constructor(urls: readonly string[], options: RevocationListOptions) {
    this.#urls = urls;
    this.#options = options;
  }

  /** Polls every list once, then keeps polling; never throws (an unreachable list is retried). */
  async start(): Promise<void> {
    await Promise.all(this.#urls.map((url) => this.#poll(url)));
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  /**
   * Whether verified claims belong to a revoked user or session: only CAE-capable tokens (`xms_cc`
   * holding `cp1`) are, since only their clients can answer a claims challenge (Entra claims-challenge.md).
   */
  revoked(claims: Record<string, unknown>): RevocationHit | undefined {
    if (this.#byTenant.size === 0 || !caeCapable(claims.xms_cc)) return undefined;
    const list = typeof claims.tid === 'string' ? this.#byTenant.get(claims.tid) : undefined;
    if (!list) return undefined;
    const users = typeof claims.oid === 'string' ? list.users.get(claims.oid) : undefined;
    const sessions = typeof claims.sid === 'string' ? list.sessions.get(claims.sid) : undefined;
    const notBefore = Math.max(users ?? -Infinity, sessions ?? -Infinity);
    if (notBefore === -Infinity) return undefined;
    // Issued at `iat` (else `nbf`); a token that says neither cannot show it came after the revocation.
    const issued = typeof claims.iat === 'number' ? claims.iat : typeof claims.nbf === 'number' ? claims.nbf : -Infinity;
    return issued < notBefore ? { notBefore, authorizationUri: list.authorizationUri } : undefined;
  }

  async #poll(url: string): Promise<void> {
    if (this.#stopped) return;
    let nextSeconds = this.#options.refreshSeconds;
    try {
      nextSeconds = Math.min(nextSeconds, await this.#fetch(url) ?? nextSeconds);
      this.errors.delete(url);
    } catch (err) {
      this.errors.set(url, (err as Error).message);
      nextSeconds = Math.min(nextSeconds, FAILED_RETRY_SECONDS);
    }
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#poll(url);
    }, nextSeconds * 1000);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Fetches one list; returns its max-age in seconds when it gives one above zero. */
  async #fetch(url: string): Promise<number | undefined> {
    const etag = this.#etags.get(url);
    const res = await request(url, {
      headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
      headersTimeout: this.#options.timeoutMs,
      bodyTimeout: this.#options.timeoutMs,
      ...(this.#options.dispatcher ? { dispatcher: this.#options.dispatcher } : {}),
    });
    const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(String(res.headers['cache-control'] ?? ''))?.[1];
    const fresh = maxAge !== undefined && Number(maxAge) > 0 ? Number(maxAge) : undefined;
    if (res.statusCode === 304) {
      await res.body.dump();
      return fresh;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`${url} answered ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > this.#options.maxBytes) {
        res.body.destroy();
        throw new Error(`${url} is larger than ${this.#options.maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    this.#install(parse(url, Buffer.concat(chunks).toString('utf8')));
    const tag = res.headers.etag;
    if (typeof tag === 'string') this.#etags.set(url, tag);
    return fresh;
  }

  #install(doc: { tenantId: string; list: TenantList }): void {
    // A list speaks for the tenant it names; a second URL naming the same tenant replaces the first's view.
    this.#byTenant.set(doc.tenantId, doc.list);
  }
}

function caeCapable(xmsCc: unknown): boolean {
  return Array.isArray(xmsCc) && xmsCc.some((c) => typeof c === 'string' && c.toLowerCase() === 'cp1');
}

/** A list document, checked field by field: a malformed one never replaces a good one. */
function parse(url: string, text: string): { tenantId: string; list: TenantList } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${url} is not JSON`);
  }
  const d = doc as { tenantId?: unknown; authorizationUri?: unknown; revocations?: unknown };
  if (!doc || typeof doc !== 'object' || typeof d.tenantId !== 'string' || !Array.isArray(d.revocations)) {
    throw new Error(`${url} is not a revocation list (tenantId and revocations are required)`);
  }
  const list: TenantList = { users: new Map(), sessions: new Map(), authorizationUri: typeof d.authorizationUri === 'string' ? d.authorizationUri : undefined };
  for (const entry of d.revocations as { oid?: unknown; sid?: unknown; notBefore?: unknown }[]) {
    if (!entry || typeof entry.notBefore !== 'number' || !Number.isFinite(entry.notBefore)) throw new Error(`${url}: an entry without a numeric notBefore`);
    if (typeof entry.oid === 'string') list.users.set(entry.oid, Math.max(entry.notBefore, list.users.get(entry.oid) ?? -Infinity));
    else if (typeof entry.sid === 'string') list.sessions.set(entry.sid, Math.max(entry.notBefore, list.sessions.get(entry.sid) ?? -Infinity));
    else throw new Error(`${url}: an entry names neither oid nor sid`);
  }
  return { tenantId: d.tenantId, list };
}
