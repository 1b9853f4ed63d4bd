import type { Level } from '../harness/define-case.ts';
import type { Verdict } from '../harness/run-report.ts';

// Verdict order, severity and blocking levels live in the harness (one definition); reports use them from here too.
export { BLOCKING_LEVELS, isBlockingFailure, isMustFailure, strictTally, VERDICTS, verdictSeverity } from '../harness/verdict-rank.ts';

export const LEVELS: readonly Level[] = ['must', 'should', 'profile', 'either'];

/**
 * One look per verdict, shared by every renderer so the console, HTML, Markdown and matrix read alike.
 * Marks are single-width characters: the console pads columns by string length.
 */
export const verdictStyle: Record<Verdict, { mark: string; label: string; color: 'green' | 'yellow' | 'cyan' | 'red' | 'gray' | 'magenta' }> = {
  pass: { mark: '✔', label: 'pass', color: 'green' },
  'non-strict': { mark: '~', label: 'non-strict', color: 'yellow' },
  weaker: { mark: '↓', label: 'weaker', color: 'cyan' },
  fail: { mark: '✖', label: 'fail', color: 'red' },
  skipped: { mark: '–', label: 'skipped', color: 'gray' },
  error: { mark: '!', label: 'error', color: 'magenta' },
};

/** The strict tally as reports print it: "RFC 9068 / RFC 8725 strict: 230 of 232". */
export function strictText(strict: { held: number; judged: number }): string {
  return `RFC 9068 / RFC 8725 strict: ${strict.held} of ${strict.judged}`;
}

export function levelLabel(level: Level): string {
  return level.toUpperCase();
}
