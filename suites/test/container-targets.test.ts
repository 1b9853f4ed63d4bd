import { describe, expect, it } from 'vitest';
import { CONTAINER_ADAPTERS, dockerUnavailableReason } from '../../gateway-under-test/index.ts';
import { loadCases } from '../harness/load-cases.ts';
import { runSuite } from '../harness/run-suite.ts';
import { startAdapterTarget } from '../harness/start-adapter-target.ts';

const noDocker = await dockerUnavailableReason();

describe('container targets without a Docker engine', () => {
  it.skipIf(!noDocker).each(Object.keys(CONTAINER_ADAPTERS))('%s: every case is skipped with "no Docker engine" and the reason', async (name) => {
    const target = await startAdapterTarget(name);
    try {
      expect(target.unavailable).toMatch(/^no Docker engine: \S/);
      const report = await runSuite({ target, cases: await loadCases({ only: 'entra/v2-app-only-token,claims/exp-10-minutes-ago' }) });
      expect(report.cases.map((c) => [c.verdict, c.skipReason])).toEqual([
        ['skipped', target.unavailable],
        ['skipped', target.unavailable],
      ]);
      expect(report.summary.error).toBe(0);
    } finally {
      await target.stop();
    }
  });
});
