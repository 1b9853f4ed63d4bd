import type { CaseResult, RunSummary } from './run-report.ts';
import { isBlockingFailure, isMustFailure, strictTally, VERDICTS } from './verdict-rank.ts';

/** RunReport.summary from the cases: a count per verdict, MUST and blocking failures, the RFC strict tally and skipped MUST cases by cause. */
export function summarizeCases(cases: readonly CaseResult[]): RunSummary {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<(typeof VERDICTS)[number], number>;
  for (const c of cases) counts[c.verdict]++;
  return {
    ...counts,
    total: cases.length,
    mustFailed: cases.filter(isMustFailure).length,
    blockingFailed: cases.filter(isBlockingFailure).length,
    strict: strictTally(cases),
    mustSkipped: {
      target: cases.filter((c) => c.verdict === 'skipped' && c.level === 'must' && c.skipCause !== 'run').length,
      run: cases.filter((c) => c.verdict === 'skipped' && c.level === 'must' && c.skipCause === 'run').length,
    },
  };
}
