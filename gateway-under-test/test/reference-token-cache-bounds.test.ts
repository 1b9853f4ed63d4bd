import { afterAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../reference/config.ts';
import { distinctTokens } from './reference-support/distinct-tokens.ts';
import { settledHeapBytes } from './reference-support/heap.ts';
import { inProcessGateway, type InProcessGateway } from './reference-support/in-process-gateway.ts';

/**
 * CI-sized version of `node scripts/token-cache-rss.ts` (docs/reliability.md §3): distinct valid tokens through the
 * verified-token cache keep it at its entry and byte bounds, and the heap it retains per entry,
 * extrapolated to the default bounds, stays far inside the 300 MB budget. Counts and bytes, no timings.
 */
const ISS = 'https://login.gatecheck.test/72f988bf/v2.0';
const AUD = 'api://orders';
const nowSeconds = Math.floor(Date.now() / 1000);
const tokens = distinctTokens({ issuer: ISS, audience: AUD, nowSeconds });
const gateways: InProcessGateway[] = [];
afterAll(() => gateways.forEach((g) => g.stop()));

const base = { issuers: [{ issuer: ISS, keys: [tokens.jwk], algorithms: ['ES256' as const] }], audiences: [AUD], routes: [{ path: '/x' }], upstream: { url: 'http://127.0.0.1:9' }, log: { level: 'silent' as const, accessLog: false } };

describe('verified-token cache under 20,000 distinct valid tokens', () => {
  it('stays at maxEntries, evicts oldest first, and retains no more heap once full (20,000 tokens into 5,000 entries)', async () => {
    const gw = await inProcessGateway({ ...base, tokenCache: { maxEntries: 5_000 } });
    gateways.push(gw);
    const cache = gw.runtime.tokenCache!;
    const before = settledHeapBytes();
    let heapFull = 0;
    let first = '';
    let last = '';
    for (let i = 0; i < 20_000; i++) {
      // ECDSA signatures are randomised: keep the exact strings the cache saw.
      const token = tokens.token(i);
      if (i === 0) first = token;
      last = token;
      // Twice: the cache stores a token on its second verification.
      expect(await gw.check(token)).toBeUndefined();
      expect(await gw.check(token)).toBeUndefined();
      if (i === 9_999) heapFull = settledHeapBytes();
      expect(cache.size).toBeLessThanOrEqual(5_000);
    }
    const heapEnd = settledHeapBytes();
    expect(cache.size).toBe(5_000);
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    // Oldest first: the first token is gone (a miss re-verifies it), the last one is a hit.
    const hits = cache.hits;
    await gw.check(last);
    expect(cache.hits).toBe(hits + 1);
    const misses = cache.misses;
    await gw.check(first);
    expect(cache.misses).toBe(misses + 1);

    // Full at 10,000 and at 20,000 tokens: what 10,000 more tokens left behind is noise, not entries.
    expect(heapEnd - heapFull).toBeLessThan(4 * 1024 * 1024);
    const perEntry = (heapFull - before) / 5_000;
    // The 1,400-byte token and its claims cost a few KiB each; the estimate the byte bound uses must not undercount by much.
    expect(perEntry).toBeLessThan(16 * 1024);
    const defaults = parseGatewayConfig(base).tokenCache;
    const entrySize = tokens.token(0).length * 2 + 256;
    const defaultEntries = Math.min(defaults.maxEntries, Math.floor(defaults.maxBytes / entrySize));
    // Default bounds (50,000 entries, 64 MiB estimated) × measured heap per entry: well inside 300 MB.
    expect(defaultEntries * perEntry).toBeLessThan(200 * 1024 * 1024);
  });
});
