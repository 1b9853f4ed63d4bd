import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { PreboundHistogram } from '../reference/prebound-histogram.ts';

const BUCKETS = [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.1, 1, 5];
// On a bound, between bounds, below the first, above the last, and zero.
const OBSERVED: Array<[string, number]> = [
  ['hit', 0.00001],
  ['hit', 0.00002],
  ['hit', 0.000004],
  ['miss', 0.0004],
  ['miss', 7],
  ['hit', 0],
  ['miss', 1],
];

function both() {
  const stock = new Registry();
  const prebound = new Registry();
  const config = { name: 'gatecheck_test_seconds', help: 'Test histogram', labelNames: ['cache'] as const, buckets: BUCKETS };
  const a = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [stock] });
  const b = new PreboundHistogram({ ...config, registers: [prebound] });
  return { stock, prebound, a, b };
}

describe('PreboundHistogram', () => {
  test("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const { stock, prebound, a, b } = both();
    const children = { hit: b.labels('hit'), miss: b.labels('miss') };
    for (const [cache, value] of OBSERVED) {
      a.labels(cache).observe(value);
      children[cache as 'hit' | 'miss'].observe(value);
    }
    const text = await prebound.metrics();
    expect(text).toBe(await stock.metrics());
    expect(text).toContain('gatecheck_test_seconds_bucket{le="0.00001",cache="hit"} 3');
    expect(text).toContain('gatecheck_test_seconds_bucket{le="+Inf",cache="miss"} 3');
    expect(text).toContain('gatecheck_test_seconds_count{cache="hit"} 4');
  });

  test('cluster workers aggregate the same way', async () => {
    const workers = [both(), both()];
    workers[0].a.labels('hit').observe(0.002);
    workers[0].b.labels('hit').observe(0.002);
    workers[1].a.labels('hit').observe(0.5);
    workers[1].b.labels('hit').observe(0.5);
    workers[1].a.labels('miss').observe(0.00002);
    workers[1].b.labels('miss').observe(0.00002);
    const stock = AggregatorRegistry.aggregate(await Promise.all(workers.map((w) => w.stock.getMetricsAsJSON())));
    const prebound = AggregatorRegistry.aggregate(await Promise.all(workers.map((w) => w.prebound.getMetricsAsJSON())));
    const text = await prebound.metrics();
    expect(text).toBe(await stock.metrics());
    expect(text).toContain('gatecheck_test_seconds_count{cache="hit"} 2');
  });

  test('a bound label set is zero until observed, and reset() zeroes it again', async () => {
    const { prebound, b } = both();
    const hit = b.labels('hit');
    expect(await prebound.metrics()).toContain('gatecheck_test_seconds_count{cache="hit"} 0');
    hit.observe(0.5);
    expect(await prebound.metrics()).toContain('gatecheck_test_seconds_count{cache="hit"} 1');
    prebound.resetMetrics();
    expect(await prebound.metrics()).toContain('gatecheck_test_seconds_count{cache="hit"} 0');
    hit.observe(0.5);
    expect(await prebound.metrics()).toContain('gatecheck_test_seconds_sum{cache="hit"} 0.5');
  });

  test('refuses what prom-client refuses', () => {
    const { b } = both();
    expect(() => b.labels()).toThrow(/expected 1 label value\(s\), got 0/);
    expect(() => b.labels('hit').observe(Number.NaN)).toThrow(TypeError);
    expect(() => new PreboundHistogram({ name: 'x', help: 'x', labelNames: ['le'], buckets: [1], registers: [] })).toThrow(/reserved/);
    expect(() => new PreboundHistogram({ name: 'x', help: 'x', labelNames: [], buckets: [1, 1], registers: [] })).toThrow(/increasing/);
    expect(() => new PreboundHistogram({ name: 'gatecheck_test_seconds', help: 'x', labelNames: [], buckets: [1], registers: [both().stock] })).toThrow(/already been registered/);
  });
});
