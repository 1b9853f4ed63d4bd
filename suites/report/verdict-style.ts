import type { Level } from '../harness/define-case.ts';
import type { Verdict } from '../harness/run-report.ts';

/** Every verdict, in the order summaries list them (best to worst, then the two that are not the gateway's doing). */
export const VERDICTS: readonly Verdict[] = ['pass', 'non-strict', 'fail', 'skipped', 'error'];

export const LEVELS: readonly Level[] = ['must', 'should', 'profile', 'either'];

/**
 * One look per verdict, shared by every renderer so the console, HTML, Markdown and matrix read alike.
 * Marks are single-width characters: the console pads columns by string length.
 */
export const verdictStyle: Record<Verdict, { mark: string; label: string; color: 'green' | 'yellow' | 'red' | 'gray' | 'magenta' }> = {
  pass: { mark: '✔', label: 'pass', color: 'green' },
  'non-strict': { mark: '~', label: 'non-strict', color: 'yellow' },
  fail: { mark: '✖', label: 'fail', color: 'red' },
  skipped: { mark: '–', label: 'skipped', color: 'gray' },
  error: { mark: '!', label: 'error', color: 'magenta' },
};

/** Worst first, for sorting and for picking the step that explains a case. */
export const verdictSeverity: Record<Verdict, number> = { error: 0, fail: 1, 'non-strict': 2, skipped: 3, pass: 4 };

export function levelLabel(level: Level): string {
  return level.toUpperCase();
}

/**
 * Levels whose failure fails the run and counts in RunReport.summary.mustFailed: a `profile` case
 * holds the gateway to what its own profile declares, and `either` fails only when neither outcome
 * held (define-case.ts). Reports call these "MUST failures" to match the summary's count.
 */
export const BLOCKING_LEVELS: ReadonlySet<Level> = new Set<Level>(['must', 'profile', 'either']);

export function isBlockingFailure(result: { level: Level; verdict: Verdict }): boolean {
  return result.verdict === 'fail' && BLOCKING_LEVELS.has(result.level);
}
