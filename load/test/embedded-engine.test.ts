import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES, parseScenario, runLoad, type LoadPool } from '../index.ts';

/**
 * A stand-in gateway whose answer is fixed per token, and which counts what it received: the
 * engine's accounting is checked against the server's own tally, not against itself.
 */
const ANSWERS: Record<string, number> = {
  'good-1': 200,
  'good-2': 200,
  'good-refused': 401, // a valid token the "gateway" wrongly refuses
  'bad-1': 401,
  'bad-2': 403,
  'bad-leak': 200, // a bad token the "gateway" wrongly accepts
  crash: 502,
};

let server: Server;
let url: string;
const seen = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || 'none';
    seen.set(token, (seen.get(token) ?? 0) + 1);
    if (token === 'reset') return void req.socket.destroy();
    res.writeHead(ANSWERS[token] ?? 200, { 'content-length': '2' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const pool = (name: string, expect: LoadPool['expect'], weight: number, tokens: string[]): LoadPool => ({ name, variant: name, expect, weight, tokens });

describe('embedded engine accounting', () => {
  it('open model: sends exactly rate × duration requests, split by weight, and grades each against its pool', async () => {
    seen.clear();
    const pools = [
      pool('valid', 'accept', 6, ['good-1', 'good-2', 'good-refused']),
      pool('forged', 'reject', 3, ['bad-1', 'bad-2', 'bad-leak']),
      pool('broken', 'accept', 1, ['crash']),
    ];
    const scenario = parseScenario({ name: 'accounting', description: 'test', tokens: [], load: { model: 'open', rate: 200, connections: 4 }, durationSeconds: 0.5 });
    const r = await runLoad({ url, scenario, pools });

    expect(r.requests.sent).toBe(100);
    expect(r.requests.completed).toBe(100);
    expect(r.pools.map((p) => p.sent)).toEqual([60, 30, 10]);
    // Tokens rotate within a pool, so each of the three is sent a third of the pool's share.
    expect(seen.get('good-refused')).toBe(20);
    expect(seen.get('bad-leak')).toBe(10);
    expect(seen.get('crash')).toBe(10);

    expect(r.statuses).toEqual({ '200': 40 + 10, '401': 20 + 10, '403': 10, '502': 10 });
    expect(r.outcomes['valid-refused']).toBe(seen.get('good-refused'));
    expect(r.outcomes['bad-accepted']).toBe(seen.get('bad-leak'));
    expect(r.outcomes['server-error']).toBe(10);
    expect(r.outcomes.ok).toBe(40 + 20);
    expect(OUTCOMES.reduce((sum, o) => sum + r.outcomes[o], 0)).toBe(r.requests.completed);
    expect(r.errors).toBe(20 + 10 + 10);
    expect(r.errorRate).toBeCloseTo(0.4);
    expect(r.pools[1]).toMatchObject({ accepted: 10, refused: 20, other: 0 });
    expect(r.passed).toBe(false);
    expect(r.thresholds).toEqual([{ name: 'error rate', limit: 0, actual: 0.4, pass: false }]);
    // The open model reports both clocks: from the intended send time, and the uncorrected one.
    expect(r.latency.count).toBe(100);
    expect(r.serviceLatency?.count).toBe(100);
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(r.serviceLatency!.maxMs);
    expect(r.timeline.reduce((sum, t) => sum + t.requests, 0)).toBe(100);
    expect(r.timeline.reduce((sum, t) => sum + t.errors, 0)).toBe(40);
  });

  it('closed model: every response the server saw is counted once; a reset connection is a transport error', async () => {
    seen.clear();
    const pools = [pool('valid', 'accept', 1, ['good-1']), pool('resets', 'accept', 1, ['reset'])];
    const scenario = parseScenario({ name: 'closed', description: 'test', load: { model: 'closed', connections: 2 }, durationSeconds: 0.3, thresholds: { maxErrorRate: 1 } });
    const r = await runLoad({ url, scenario, pools });
    expect(r.requests.completed).toBe(r.requests.sent);
    expect(r.statuses['200']).toBe(seen.get('good-1'));
    expect(r.outcomes['transport-error']).toBe(r.pools[1].sent);
    expect(r.outcomes['transport-error']).toBeGreaterThan(0);
    expect(Object.values(r.transportErrors).reduce((a, b) => a + b, 0)).toBe(r.outcomes['transport-error']);
    expect(r.serviceLatency).toBeUndefined();
    expect(r.passed).toBe(true); // maxErrorRate 1 tolerates them: the threshold, not the engine, decides
  });

  it('a target that never answers cannot hold the run: an abort ends it, and what was in flight is a transport error', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const scenario = parseScenario({ name: 'hung', description: 'test', load: { model: 'closed', connections: 2 }, durationSeconds: 60, thresholds: { maxErrorRate: 1 } });
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const started = performance.now();
      const r = await runLoad({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, scenario, pools: [pool('valid', 'accept', 1, ['good-1'])], signal: abort.signal });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(r.requests.sent).toBe(2);
      expect(r.requests.completed).toBe(2);
      expect(r.outcomes['transport-error']).toBe(2);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('timeline: intervals end on whole seconds, the last one runs to the real end and carries its length, so count ÷ length stays the rate', async () => {
    const scenario = parseScenario({ name: 'timeline', description: 'test', load: { model: 'open', rate: 100, connections: 4 }, durationSeconds: 1.5 });
    const r = await runLoad({ url, scenario, pools: [pool('valid', 'accept', 1, ['good-1'])] });
    expect(r.timeline).toHaveLength(2);
    const [first, last] = r.timeline;
    expect(first).toMatchObject({ second: 1, spanSeconds: 1 });
    // The last send is due at 1.49 s; its answer closes the run a moment later.
    expect(last.second).toBeCloseTo(r.durationSeconds, 2);
    expect(last.spanSeconds).toBeCloseTo(r.durationSeconds - 1, 2);
    expect(last.spanSeconds).toBeGreaterThan(0.45);
    expect(last.spanSeconds).toBeLessThan(0.6);
    expect(first.requests + last.requests).toBe(150);
    // As a count the last interval would read ~50, half the real rate; as a rate it reads ~100.
    expect(last.requests).toBeLessThan(70);
    expect(last.requests / last.spanSeconds).toBeGreaterThan(80);
    expect(last.requests / last.spanSeconds).toBeLessThan(120);

    // A run of whole seconds ends in a whole-second interval: answers arriving just after the end
    // join it instead of making a sliver of their own.
    const whole = await runLoad({ url, scenario: { ...scenario, durationSeconds: 1 }, pools: [pool('valid', 'accept', 1, ['good-1'])] });
    expect(whole.timeline).toHaveLength(1);
    expect(whole.timeline[0].requests).toBe(100);
    expect(whole.timeline[0].spanSeconds).toBeCloseTo(1, 1);
  });

  it('passthrough (no pools): no Authorization header, 2xx is ok and a refusal counts as an error', async () => {
    seen.clear();
    const scenario = parseScenario({ name: 'pass', description: 'test', load: { model: 'open', rate: 100 }, durationSeconds: 0.2 });
    const r = await runLoad({ url, scenario, pools: [] });
    expect(seen.get('none')).toBe(20);
    expect(r.outcomes.ok).toBe(20);
    expect(r.passed).toBe(true);
  });

  it('scenario files are checked: an unknown key or a fault window past the end is refused with the key named', () => {
    expect(() => parseScenario({ name: 'x', description: 'd', load: { model: 'open', rate: 1 }, rat: 2 })).toThrow(/rat/);
    expect(() => parseScenario({ name: 'x', description: 'd', load: { model: 'open', rate: 1 }, events: [{ action: 'jwks-fault', at: 0.8, for: 0.5 }] })).toThrow(/events\.0\.for/);
  });
});
