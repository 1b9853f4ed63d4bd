import type { Level } from './define-case.ts';
import type { Verdict } from './run-report.ts';

/*
 * The one place verdicts are ordered and levels counted (README: "Verdicts"). The harness
 * combines steps with VERDICT_RANK, every report sorts with verdictSeverity and lists with VERDICTS, and
 * the exit code, summaries and tallies all use the level sets below.
 */

/** Every verdict, in the order summaries list them: best to worst, then the two that are not the gateway's doing. */
export const VERDICTS: readonly Verdict[] = ['pass', 'non-strict', 'weaker', 'fail', 'skipped', 'error'];

/**
 * How a case's verdict is combined from its steps (and a step's from its repetitions): the highest rank
 * wins. `weaker` outranks `non-strict` (a contract-allowed acceptance says more than a wrong status) and
 * is outranked by `fail`; `skipped` never makes a judged step look better or worse.
 */
export const VERDICT_RANK: Record<Verdict, number> = { pass: 0, skipped: 0, 'non-strict': 1, weaker: 2, fail: 3, error: 4 };

/** Worst first, for sorting and for picking the step that explains a case. */
export const verdictSeverity: Record<Verdict, number> = { error: 0, fail: 1, weaker: 2, 'non-strict': 3, skipped: 4, pass: 5 };

/**
 * Levels whose failure fails the run (RunReport.summary.blockingFailed): `must`, `profile` (the target
 * itself declared the behaviour) and `either` (fails only when neither outcome held). The same levels
 * make up the denominator of the RFC 9068 / RFC 8725 strict tally; `should` cases are recommendations.
 */
export const BLOCKING_LEVELS: ReadonlySet<Level> = new Set<Level>(['must', 'profile', 'either']);

/** A failure that fails the run: exit code 1. */
export function isBlockingFailure(result: { level: Level; verdict: Verdict }): boolean {
  return result.verdict === 'fail' && BLOCKING_LEVELS.has(result.level);
}

/** A failure of a case at level `must` only: what summary.mustFailed counts and reports call "MUST failures". */
export function isMustFailure(result: { level: Level; verdict: Verdict }): boolean {
  return result.verdict === 'fail' && result.level === 'must';
}

/**
 * The profile-independent tally "RFC 9068 / RFC 8725 strict: held of judged". `judged`: cases at a
 * blocking level that got a verdict about the gateway (not skipped, not a harness error); `held`: those
 * whose verdict is neither `fail` nor `weaker`, i.e. the gateway was as strict as the RFCs require,
 * whatever its contract allowed.
 */
export function strictTally(cases: readonly { level: Level; verdict: Verdict }[]): { held: number; judged: number } {
  let held = 0;
  let judged = 0;
  for (const c of cases) {
    if (!BLOCKING_LEVELS.has(c.level) || c.verdict === 'skipped' || c.verdict === 'error') continue;
    judged += 1;
    if (c.verdict !== 'fail' && c.verdict !== 'weaker') held += 1;
  }
  return { held, judged };
}
