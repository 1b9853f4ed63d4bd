import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../harness/load-cases.ts';
import type { RunReport } from '../harness/run-report.ts';
import { runSuite } from '../harness/run-suite.ts';
import { startEmbeddedReference } from '../harness/start-embedded-reference.ts';

/**
 * The http/upstream-answer-* cases are SHOULD for gateways in general (the case format has no per-target
 * level), but the reference gateway must pass every one of them, with either upstream client: its own
 * (`upstream.fastClient`, the default) and undici. Each case fails against a deliberately broken proxy
 * (suites/test/teeth.test.ts, naive-relay), so a pass here is not a case that cannot fail.
 */
const ONLY = 'http/upstream-answer-*';
const reports = new Map<string, RunReport>();

beforeAll(async () => {
  for (const fastClient of [true, false]) {
    const target = await startEmbeddedReference({ configure: (config) => ({ ...config, upstream: { ...config.upstream, fastClient } }) });
    try {
      reports.set(fastClient ? 'own client' : 'undici', await runSuite({ target, cases: await loadCases({ only: ONLY }) }));
    } finally {
      await target.stop();
    }
  }
}, 60_000);

afterAll(() => reports.clear());

describe('the reference gateway passes every upstream-answer case', () => {
  for (const client of ['own client', 'undici']) {
    it(`with ${client}`, () => {
      const report = reports.get(client)!;
      expect(report.cases.length).toBeGreaterThanOrEqual(6);
      const notPassed = report.cases.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.skipReason ?? c.errorMessage ?? c.steps.flatMap((s) => s.findings).join('; ')}`);
      expect(notPassed).toEqual([]);
      // The upstream's broken answer was asked for and answered: every case reached it.
      for (const c of report.cases) expect(c.steps[0].observation.arrivals?.some((a) => a.index === 0), c.id).toBe(true);
    });
  }
});
