import type { KeyRecord } from './import-jwk.ts';
import type { JwksCache } from './jwks-cache.ts';

/** What a verified token leaves behind: enough to serve the next request bearing it without crypto. */
export interface VerifiedToken {
  claims: Record<string, unknown>;
  key: KeyRecord;
  jwks: JwksCache;
  /** Claims-contract headers for the upstream, as a flat name/value list. */
  upstreamHeaders: string[];
  /** Caller identity for logs (oid, else sub, else azp). */
  caller: string;
  /** Epoch ms after which the entry is never served (exp, or a cap for tokens without exp). */
  storedUntil: number;
  size: number;
}

/**
 * Verified-token cache keyed by the whole compact token (so any changed byte misses), bounded by
 * entry count and approximate bytes, never serving past `exp`, and dropping entries whose key left
 * the JWKS or whose JWKS is past its stale window.
 * Eviction is oldest-first: cheaper than LRU on every hit, and a hot token is re-inserted after it expires anyway.
 */
export class VerifiedTokenCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  #map = new Map<string, VerifiedToken>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(token: string, nowMs: number): VerifiedToken | undefined {
    const entry = this.#map.get(token);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    if (nowMs >= entry.storedUntil || !entry.key.active || !entry.jwks.hasKeys()) {
      this.#delete(token, entry);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.maxEntries === 0 || entry.size > this.maxBytes) return;
    const old = this.#map.get(token);
    if (old) this.#delete(token, old);
    this.#map.set(token, entry);
    this.#bytes += entry.size;
    while (this.#map.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const first = this.#map.entries().next().value;
      if (!first) break;
      this.#delete(first[0], first[1]);
    }
  }

  /** Drops every entry verified with one of these keys (they left the JWKS). */
  dropKeys(records: readonly KeyRecord[]): number {
    const gone = new Set(records);
    let dropped = 0;
    for (const [token, entry] of this.#map) {
      if (gone.has(entry.key)) {
        this.#delete(token, entry);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  #delete(token: string, entry: VerifiedToken): void {
    if (this.#map.delete(token)) this.#bytes -= entry.size;
  }
}
