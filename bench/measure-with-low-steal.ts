import { readHostCpuTicks, stealPercent, type HostCpuTicks } from './host-steal.ts';

export interface StealPolicy {
  /** A measurement during which the host's steal exceeded this share of CPU time is taken again. */
  maxStealPercent: number;
  /** How many times one measurement may be taken again. */
  retries: number;
}

export interface LowStealMeasurement<T> {
  result: T;
  /** Host steal during the kept attempt, %; undefined without /proc/stat. */
  stealPercent: number | undefined;
  /** Attempts made, the kept one included. */
  attempts: number;
}

/**
 * Runs a measurement, and runs it again (at most `retries` times) while the hypervisor took more
 * than `maxStealPercent` of the CPU during it. Keeps the attempt with the least steal: the choice
 * looks only at the neighbours' interference, never at the result, and every target of a run gets
 * the same policy, so no server is favoured.
 */
export async function measureWithLowSteal<T>(
  measure: () => Promise<T>,
  policy: StealPolicy,
  onRetry: (stealPercent: number, attempt: number) => void = () => {},
  readTicks: () => HostCpuTicks | undefined = readHostCpuTicks,
): Promise<LowStealMeasurement<T>> {
  let kept: LowStealMeasurement<T> | undefined;
  for (let attempt = 1; ; attempt++) {
    const before = readTicks();
    const result = await measure();
    const steal = stealPercent(before, readTicks());
    if (!kept || (steal !== undefined && (kept.stealPercent === undefined || steal < kept.stealPercent))) {
      kept = { result, stealPercent: steal, attempts: attempt };
    }
    kept.attempts = attempt;
    if (steal === undefined || steal <= policy.maxStealPercent || attempt > policy.retries) return kept;
    onRetry(steal, attempt);
  }
}
