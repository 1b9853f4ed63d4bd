import type { BenchSettings } from './bench-group.ts';
import { measureWithLowSteal, type StealPolicy } from './measure-with-low-steal.ts';

// One decimal: whole percents printed "10 % > 10 %" for 10.4 against the default threshold.
const percent = (steal: number) => `${steal.toFixed(1)} %`;

/**
 * One group's steal policy (see measure-with-low-steal.ts): measures slots under it, remembers which
 * were taken again, says which rounds of a comparison are not judged, and words the report's note.
 */
export class StealGuard {
  readonly #policy: StealPolicy;
  readonly #log: (line: string) => void;
  readonly #remeasured: string[] = [];

  constructor(settings: Pick<BenchSettings, 'maxStealPercent' | 'stealRetries'>, log: (line: string) => void) {
    this.#policy = { maxStealPercent: settings.maxStealPercent, retries: settings.stealRetries };
    this.#log = log;
  }

  async measure<T>(slot: string, measure: () => Promise<T>): Promise<{ result: T; stealPercent: number | undefined }> {
    const { maxStealPercent } = this.#policy;
    const m = await measureWithLowSteal(measure, this.#policy, (steal, attempt) =>
      this.#log(`  ${slot}: host steal ${percent(steal)} > ${maxStealPercent} %, measuring again (attempt ${attempt + 1})`),
    );
    if (m.attempts > 1) this.#remeasured.push(`${slot} (${m.attempts} attempts, kept ${m.stealPercent === undefined ? 'unknown' : percent(m.stealPercent)} steal)`);
    return { result: m.result, stealPercent: m.stealPercent };
  }

  /** Why a round of measurements compared with each other is left out of a goal's verdict, or undefined. */
  disturbance(...steals: Array<number | undefined>): string | undefined {
    const worst = Math.max(0, ...steals.map((s) => s ?? 0));
    return worst > this.#policy.maxStealPercent ? `host steal ${percent(worst)}` : undefined;
  }

  note(): string {
    const { maxStealPercent, retries } = this.#policy;
    return (
      `Host steal (time the hypervisor gave this VM's CPUs to other guests, from /proc/stat): a measurement with more than ${maxStealPercent} % was taken again, ` +
      `up to ${retries} more time(s), keeping the attempt with the least steal (\`--max-steal\`, \`--steal-retries\`); the same rule for every target. ` +
      'A round whose compared pair still exceeded it is shown but not judged against a goal. ' +
      (this.#remeasured.length > 0 ? `Measured again: ${this.#remeasured.join('; ')}.` : 'No measurement needed it.')
    );
  }
}
