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

/** Slots of the admission filter: fingerprints of tokens verified once and not (yet) stored. */
const DOORKEEPER_SLOTS = 1 << 16;

/**
 * Verified-token cache keyed by the whole compact token (so any changed byte misses), bounded by
 * entry count and approximate bytes, never serving past `exp`, and dropping entries whose key left
 * the JWKS or whose JWKS is past its stale window.
 * Eviction is oldest-first: cheaper than LRU on every hit, and a hot token is re-inserted after it expires anyway.
 *
 * Admission on the second sighting (the "doorkeeper" of TinyLFU): most tokens a busy gateway verifies
 * are sent once or a few times, and storing each one costs an entry that lives long enough to be
 * promoted by the garbage collector and then evicted, while evicting a token that will come back. The
 * first verification of a token only records a 32-bit fingerprint of its signature in a fixed table; the
 * second one stores it. A fingerprint collision can only store or skip an entry early, never serve one:
 * entries are found by the whole token.
 */
export class VerifiedTokenCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly admitOnSecondSighting: boolean;
  #map = new Map<string, VerifiedToken>();
  #bytes = 0;
  #doorkeeper: Uint32Array | undefined;
  hits = 0;
  misses = 0;

  constructor(maxEntries: number, maxBytes: number, admitOnSecondSighting = true) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.admitOnSecondSighting = admitOnSecondSighting;
    this.#doorkeeper = admitOnSecondSighting ? new Uint32Array(DOORKEEPER_SLOTS) : undefined;
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
    if (this.#doorkeeper && !this.#seenBefore(token)) return;
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
    this.#doorkeeper?.fill(0);
  }

  /** True on the second sighting of a token's fingerprint (and forgets it); records it on the first. */
  #seenBefore(token: string): boolean {
    const print = fingerprint(token);
    const slot = print & (DOORKEEPER_SLOTS - 1);
    if (this.#doorkeeper![slot] === print) {
      this.#doorkeeper![slot] = 0;
      return true;
    }
    this.#doorkeeper![slot] = print;
    return false;
  }

  #delete(token: string, entry: VerifiedToken): void {
    if (this.#map.delete(token)) this.#bytes -= entry.size;
  }
}

/**
 * FNV-1a over the last 32 characters of the token: the end of its signature, which differs between any
 * two signed tokens. Never 0, the table's empty value.
 */
function fingerprint(token: string): number {
  let h = 0x811c9dc5;
  for (let i = Math.max(0, token.length - 32); i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}
