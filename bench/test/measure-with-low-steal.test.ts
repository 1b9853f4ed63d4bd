import { describe, expect, test } from 'vitest';
import { readHostCpuTicks, stealPercent, type HostCpuTicks } from '../host-steal.ts';
import { measureWithLowSteal } from '../measure-with-low-steal.ts';
import { StealGuard } from '../steal-guard.ts';

/** Counters that advance by 100 ticks per reading, `steal` of them stolen, in the order given. */
function ticksWith(stealPerSpan: number[]): () => HostCpuTicks {
  let steal = 0;
  let total = 0;
  let reading = 0;
  return () => {
    // Readings come in pairs around each attempt: the span between them carries the next value.
    if (reading++ % 2 === 1) {
      steal += stealPerSpan.shift() ?? 0;
      total += 100;
    }
    return { steal, total };
  };
}

describe('host steal', () => {
  test('reads the steal column of /proc/stat and the sum of the first eight columns', () => {
    const text = 'cpu  100 5 50 800 10 0 5 30 40 0\ncpu0 50 2 25 400 5 0 2 15 20 0\nintr 1 2 3\n';
    expect(readHostCpuTicks(text)).toEqual({ steal: 30, total: 1000 });
    expect(readHostCpuTicks('intr 1 2 3\n')).toBeUndefined();
    expect(stealPercent({ steal: 30, total: 1000 }, { steal: 80, total: 1200 })).toBe(25);
    expect(stealPercent({ steal: 30, total: 1000 }, { steal: 30, total: 1000 })).toBeUndefined();
    expect(stealPercent(undefined, { steal: 30, total: 1000 })).toBeUndefined();
  });

  test('reads this machine where there is /proc', (ctx) => {
    ctx.skip(process.platform !== 'linux', 'reads /proc');
    const ticks = readHostCpuTicks()!;
    expect(ticks.total).toBeGreaterThan(0);
    expect(ticks.steal).toBeGreaterThanOrEqual(0);
    expect(ticks.steal).toBeLessThanOrEqual(ticks.total);
  });
});

describe('measureWithLowSteal', () => {
  const policy = { maxStealPercent: 5, retries: 2 };

  test('a quiet measurement is taken once', async () => {
    let runs = 0;
    const m = await measureWithLowSteal(async () => ++runs, policy, undefined, ticksWith([2]));
    expect(m).toEqual({ result: 1, stealPercent: 2, attempts: 1 });
  });

  test('a noisy measurement is taken again until one is quiet, and the quiet one is kept', async () => {
    let runs = 0;
    const retried: number[] = [];
    const m = await measureWithLowSteal(async () => ++runs, policy, (steal) => retried.push(steal), ticksWith([30, 4]));
    expect(m).toEqual({ result: 2, stealPercent: 4, attempts: 2 });
    expect(retried).toEqual([30]);
  });

  test('after the last retry the attempt with the least steal is kept, whatever its result', async () => {
    let runs = 0;
    const m = await measureWithLowSteal(async () => ++runs, policy, undefined, ticksWith([30, 10, 20]));
    expect(m).toEqual({ result: 2, stealPercent: 10, attempts: 3 });
    expect(runs).toBe(3);
  });

  test('without /proc/stat there is nothing to judge: one attempt', async () => {
    let runs = 0;
    const m = await measureWithLowSteal(async () => ++runs, policy, undefined, () => undefined);
    expect(m).toEqual({ result: 1, stealPercent: undefined, attempts: 1 });
  });
});

describe('StealGuard', () => {
  test('judges a round by the worst steal of the measurements compared in it', () => {
    const guard = new StealGuard({ maxStealPercent: 10, stealRetries: 2 }, () => {});
    expect(guard.disturbance(3, 9.9)).toBeUndefined();
    expect(guard.disturbance(3, 23.4)).toBe('host steal 23.4 %');
    // Just over the threshold must not read as "10 %", which looks as if it were not over it.
    expect(guard.disturbance(2, 10.4)).toBe('host steal 10.4 %');
    expect(guard.disturbance(10, 2)).toBeUndefined();
    expect(guard.disturbance(undefined, undefined)).toBeUndefined();
  });

  test('the note states the policy and whether any measurement was taken again', async () => {
    const lines: string[] = [];
    // 100 %: whatever the host does now, no retry.
    const guard = new StealGuard({ maxStealPercent: 100, stealRetries: 2 }, (line) => lines.push(line));
    expect((await guard.measure('round 1 x', async () => 42)).result).toBe(42);
    expect(guard.note()).toContain('more than 100 % was taken again, up to 2 more time(s)');
    expect(guard.note()).toContain('No measurement needed it.');
    expect(lines).toEqual([]);
  });
});
