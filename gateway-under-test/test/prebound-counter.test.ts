import { AggregatorRegistry, Counter, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { PreboundCounter } from '../reference/prebound-counter.ts';

function both() {
  const stock = new Registry();
  const prebound = new Registry();
  const config = { name: 'gatecheck_test_total', help: 'Test counter', labelNames: ['outcome', 'reason'] as const };
  const a = new Counter({ ...config, labelNames: [...config.labelNames], registers: [stock] });
  const b = new PreboundCounter({ ...config, registers: [prebound] });
  return { stock, prebound, a, b };
}

describe('PreboundCounter', () => {
  test("exposes exactly what prom-client's Counter exposes, alone and aggregated across workers", async () => {
    const workers = [both(), both()];
    const counts: Array<[number, string, string, number]> = [
      [0, 'allow', '', 3],
      [0, 'reject', 'invalid_token', 2],
      [1, 'allow', '', 5],
      [1, 'reject', 'insufficient_scope', 1],
    ];
    for (const [w, outcome, reason, n] of counts) {
      const child = workers[w].b.labels(outcome, reason);
      for (let i = 0; i < n; i++) {
        workers[w].a.labels(outcome, reason).inc();
        child.inc();
      }
    }
    const text = await workers[0].prebound.metrics();
    expect(text).toBe(await workers[0].stock.metrics());
    expect(text).toContain('gatecheck_test_total{outcome="reject",reason="invalid_token"} 2');
    const stock = AggregatorRegistry.aggregate(await Promise.all(workers.map((w) => w.stock.getMetricsAsJSON())));
    const prebound = AggregatorRegistry.aggregate(await Promise.all(workers.map((w) => w.prebound.getMetricsAsJSON())));
    expect(await prebound.metrics()).toBe(await stock.metrics());
    expect(await prebound.metrics()).toContain('gatecheck_test_total{outcome="allow",reason=""} 8');
  });

  test('reset() zeroes bound series, which keep counting afterwards; a wrong label count is refused', async () => {
    const { prebound, b } = both();
    const allow = b.labels('allow', '');
    allow.inc();
    prebound.resetMetrics();
    expect(await prebound.metrics()).toContain('gatecheck_test_total{outcome="allow",reason=""} 0');
    allow.inc();
    expect(await prebound.metrics()).toContain('gatecheck_test_total{outcome="allow",reason=""} 1');
    expect(() => b.labels('allow')).toThrow(/expected 2 label value\(s\), got 1/);
  });
});
