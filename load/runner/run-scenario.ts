import type { LoadResult, SaturationStep } from './load-result.ts';
import { runLoad, type RunLoadOptions } from './run-load.ts';

/** A sustained step reaches this share of its arrival rate; below it the target fell behind. */
const REACHED = 0.95;

/**
 * Runs a scenario. A saturation scenario is a series of open-model steps at rising rates, stopped
 * at the first step that breaks its p99, errs, or falls behind; the result is the last sustained step's,
 * with every step listed and the timeline of all of them.
 */
export async function runScenario(options: RunLoadOptions): Promise<LoadResult> {
  const { scenario } = options;
  const saturation = scenario.saturation;
  if (!saturation || scenario.load.model !== 'open') return runLoad(options);
  const steps: SaturationStep[] = [];
  const timeline: LoadResult['timeline'] = [];
  let best: LoadResult | undefined;
  let last: LoadResult | undefined;
  const totalSeconds = saturation.stepSeconds * saturation.maxSteps;
  for (let k = 0; k < saturation.maxSteps && !options.signal?.aborted; k++) {
    const rate = Math.round(saturation.startRate * saturation.factor ** k);
    const offset = saturation.stepSeconds * k;
    const step = await runLoad({
      ...options,
      scenario: { ...scenario, load: { ...scenario.load, rate }, durationSeconds: saturation.stepSeconds, events: [], thresholds: { p99Ms: saturation.p99Ms, maxErrorRate: 0 }, saturation: undefined },
      onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, elapsedSeconds: offset + p.elapsedSeconds, durationSeconds: totalSeconds })),
    });
    timeline.push(...step.timeline.map((t) => ({ ...t, second: t.second + offset })));
    const sustained = step.errors === 0 && step.latency.p99Ms <= saturation.p99Ms && step.requests.perSecond >= REACHED * rate;
    steps.push({ rate, achievedRate: step.requests.perSecond, p99Ms: step.latency.p99Ms, errors: step.errors, sustained });
    last = step;
    if (!sustained) break;
    best = step;
  }
  const base = best ?? last!;
  const maxSustainableRate = best ? steps.filter((s) => s.sustained).at(-1)!.rate : null;
  return {
    ...base,
    scenario,
    timeline,
    durationSeconds: steps.length * saturation.stepSeconds,
    saturation: { steps, maxSustainableRate },
    passed: maxSustainableRate !== null,
  };
}
