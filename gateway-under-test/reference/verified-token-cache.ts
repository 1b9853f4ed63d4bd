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

/** A stored entry and the exact token it was verified for. */
interface Slot {
  token: string;
  entry: VerifiedToken;
}

/**
 * Verified-token cache matched on the whole compact token (so any changed byte misses), bounded by
 * entry count and approximate bytes, never serving past `exp`, and dropping entries whose key left
 * the JWKS or whose JWKS is past its stale window.
 *
 * Entries are found by a fingerprint of the token's end and then compared in full. A Map keyed by the
 * token itself made V8 hash all of its 800–1,500 characters on every request (each request brings a new
 * string), about 2 µs, the largest cost of a lookup that misses. Two tokens with one fingerprint share a
 * slot: the later one replaces the earlier, which only costs that token a new verification.
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
  #map = new Map<number, Slot>();
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
    const print = fingerprint(token);
    const slot = this.#map.get(print);
    if (slot === undefined || slot.token !== token) {
      this.misses++;
      return undefined;
    }
    const { entry } = slot;
    if (nowMs >= entry.storedUntil || !entry.key.active || !entry.jwks.hasKeys()) {
      this.#delete(print, slot);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.maxEntries === 0 || entry.size > this.maxBytes) return;
    const print = fingerprint(token);
    if (this.#doorkeeper && !this.#seenBefore(print)) return;
    const old = this.#map.get(print);
    // Deleted first so the entry moves to the end of the eviction order.
    if (old) this.#delete(print, old);
    this.#map.set(print, { token, entry });
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
    for (const [print, slot] of this.#map) {
      if (gone.has(slot.entry.key)) {
        this.#delete(print, slot);
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

  /** True on the second sighting of a fingerprint (and forgets it); records it on the first. */
  #seenBefore(print: number): boolean {
    const slot = print & (DOORKEEPER_SLOTS - 1);
    if (this.#doorkeeper![slot] === print) {
      this.#doorkeeper![slot] = 0;
      return true;
    }
    this.#doorkeeper![slot] = print;
    return false;
  }

  #delete(print: number, slot: Slot): void {
    if (this.#map.delete(print)) this.#bytes -= slot.entry.size;
  }
}

/**
 * FNV-1a over the last 32 characters of the token and its length: the end of its signature, which
 * differs between any two signed tokens. 30 bits, so V8 keeps it a small integer; never 0, the
 * admission table's empty value.
 */
function fingerprint(token: string): number {
  let h = Math.imul(0x811c9dc5 ^ token.length, 0x01000193);
  for (let i = Math.max(0, token.length - 32); i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff || 1;
}
