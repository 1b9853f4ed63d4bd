/**
 * Sliding-window rate limiter (the weighted two-window approximation APIM-style limits use): the count
 * is the current window plus the previous window scaled by how much of it still overlaps. O(1) memory
 * per key; idle keys are swept.
 */
export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #now: () => number;
  #counters = new Map<string, { start: number; current: number; previous: number }>();
  #lastSweep = 0;

  constructor(limit: number, windowSeconds: number, now: () => number = Date.now) {
    this.limit = limit;
    this.windowMs = windowSeconds * 1000;
    this.#now = now;
  }

  /** Counts one hit for `key` unless over the limit; returns remaining calls and, when refused, seconds to wait. */
  hit(key: string): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    const now = this.#now();
    this.#sweep(now);
    const windowStart = now - (now % this.windowMs);
    let c = this.#counters.get(key);
    if (!c) {
      c = { start: windowStart, current: 0, previous: 0 };
      this.#counters.set(key, c);
    } else if (c.start !== windowStart) {
      c.previous = c.start === windowStart - this.windowMs ? c.current : 0;
      c.current = 0;
      c.start = windowStart;
    }
    const overlap = 1 - (now - windowStart) / this.windowMs;
    const used = c.previous * overlap + c.current;
    if (used + 1 > this.limit) {
      // When the current window alone is full, wait for it to end; otherwise until enough of the previous one slides out.
      const untilNext = windowStart + this.windowMs - now;
      let waitMs = untilNext;
      if (c.current + 1 <= this.limit && c.previous > 0) {
        const needOverlap = (this.limit - 1 - c.current) / c.previous;
        waitMs = Math.max(0, (1 - needOverlap) * this.windowMs - (now - windowStart));
      }
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    c.current++;
    return { allowed: true, remaining: Math.max(0, Math.floor(this.limit - used - 1)), retryAfterSeconds: 0 };
  }

  /** Counts a hit without checking (e.g. a failed authentication from this address). */
  record(key: string): void {
    this.hit(key);
  }

  /** Whether `key` is already at its limit, without counting. */
  blocked(key: string): { blocked: boolean; retryAfterSeconds: number } {
    const c = this.#counters.get(key);
    if (!c) return { blocked: false, retryAfterSeconds: 0 };
    const now = this.#now();
    const windowStart = now - (now % this.windowMs);
    let previous = c.previous;
    let current = c.current;
    if (c.start !== windowStart) {
      previous = c.start === windowStart - this.windowMs ? c.current : 0;
      current = 0;
    }
    const used = previous * (1 - (now - windowStart) / this.windowMs) + current;
    if (used < this.limit) return { blocked: false, retryAfterSeconds: 0 };
    return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + this.windowMs - now) / 1000)) };
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = now;
    const horizon = now - 2 * this.windowMs;
    for (const [key, c] of this.#counters) if (c.start < horizon) this.#counters.delete(key);
  }
}
