import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { peerForTests } from '../../gateway-under-test/process/peer-for-tests.ts';
import { startEchoUpstream } from '../../suites/harness/echo-upstream.ts';
import { parseDuration } from '../parse-duration.ts';
import { runWrk } from '../wrk/run-wrk.ts';

const wrk = peerForTests('wrk');
const dir = mkdtempSync(join(tmpdir(), 'gatecheck-wrk-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench load driver', () => {
  test('wrk rotates through every token of the pool and reports throughput and percentiles', async (ctx) => {
    ctx.skip(wrk.skipReason !== undefined, wrk.skipReason);
    const upstream = await startEchoUpstream({ capacity: 100_000 });
    try {
      const tokensFile = join(dir, 'pool.tokens');
      writeFileSync(tokensFile, 'token-a\ntoken-b\ntoken-c\n');
      const result = await runWrk({ url: upstream.url, path: '/api/orders', tokensFile, durationSeconds: 1, connections: 2, threads: 1 });
      expect(result.requests).toBeGreaterThan(10);
      expect(result.statusErrors + result.socketErrors).toBe(0);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
      const seen = new Set(upstream.received().map((r) => r.headers.authorization));
      expect(seen).toEqual(new Set(['Bearer token-a', 'Bearer token-b', 'Bearer token-c']));
      expect(new Set(upstream.received().map((r) => r.path))).toEqual(new Set(['/api/orders']));
    } finally {
      await upstream.close();
    }
  });

  test('once order: no token is sent twice while the pool lasts, and every repeat after it runs out is counted', async (ctx) => {
    ctx.skip(wrk.skipReason !== undefined, wrk.skipReason);
    const upstream = await startEchoUpstream({ capacity: 200_000 });
    try {
      const big = join(dir, 'big.tokens');
      writeFileSync(big, `${Array.from({ length: 100_000 }, (_, i) => `fresh-${i}`).join('\n')}\n`);
      const fresh = await runWrk({ url: upstream.url, path: '/api/orders', tokensFile: big, tokenOrder: 'once', durationSeconds: 1, connections: 4, threads: 2 });
      const sent = upstream.received().map((r) => r.headers.authorization);
      expect(sent.length).toBeGreaterThan(10);
      expect(sent.length).toBeLessThan(100_000);
      expect(new Set(sent).size).toBe(sent.length);
      expect(fresh.reused).toBe(0);
      // Both threads sent: their shares are the two halves of the pool.
      expect(sent.some((t) => Number(t!.split('-')[1]) < 50_000)).toBe(true);
      expect(sent.some((t) => Number(t!.split('-')[1]) >= 50_000)).toBe(true);

      upstream.clear();
      const small = join(dir, 'small.tokens');
      writeFileSync(small, 'one\ntwo\nthree\nfour\n');
      const out = await runWrk({ url: upstream.url, path: '/api/orders', tokensFile: small, tokenOrder: 'once', durationSeconds: 1, connections: 2, threads: 2 });
      expect(out.requests).toBeGreaterThan(10);
      // Every request after the first four sent a token again; in-flight requests at the end are sent but not counted.
      expect(out.reused).toBeGreaterThanOrEqual(out.requests - 4);
    } finally {
      await upstream.close();
    }
  });

  test('--duration accepts 10s, 1m, 1500ms and bare seconds', () => {
    expect([parseDuration('10s'), parseDuration('1m'), parseDuration('1500ms'), parseDuration('7')]).toEqual([10, 60, 2, 7]);
    expect(() => parseDuration('ten')).toThrow(RangeError);
  });
});
