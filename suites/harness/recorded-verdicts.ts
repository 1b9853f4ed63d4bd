import { readFile } from 'node:fs/promises';
import type { RunReport, Verdict } from './run-report.ts';

/**
 * A real gateway's known verdicts, kept like the OpenID Foundation's expected-failures files: every
 * case that does not pass, with its verdict and the finding that explains it. Cases not listed must
 * pass. `unstable` names cases whose verdict depends on timing (a second boundary, a cache interval)
 * and says why; they are left out of the comparison rather than recorded as a coin flip.
 */
export interface RecordedVerdicts {
  $comment?: string;
  target: string;
  recordedAt: string;
  verdicts: Record<string, { verdict: Exclude<Verdict, 'pass'>; level: string; finding?: string }>;
  unstable?: Record<string, string>;
}

/** What a run would record: every non-passing case with its first finding. */
export function recordVerdicts(report: RunReport, unstable: Record<string, string> = {}): RecordedVerdicts {
  const verdicts: RecordedVerdicts['verdicts'] = {};
  for (const c of report.cases) {
    if (c.verdict === 'pass' || c.id in unstable) continue;
    const finding = c.skipReason ?? c.errorMessage ?? c.steps.find((s) => s.verdict === c.verdict)?.findings[0];
    verdicts[c.id] = { verdict: c.verdict, level: c.level, ...(finding ? { finding } : {}) };
  }
  return { target: report.target.name, recordedAt: report.startedAt, verdicts, ...(Object.keys(unstable).length ? { unstable } : {}) };
}

/** One line per case whose verdict differs from the record; empty when the gateway behaves as recorded. */
export function diffVerdicts(recorded: RecordedVerdicts, report: RunReport): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const c of report.cases) {
    seen.add(c.id);
    if (recorded.unstable && c.id in recorded.unstable) continue;
    const want = recorded.verdicts[c.id]?.verdict ?? 'pass';
    if (c.verdict !== want) {
      const why = c.errorMessage ?? c.skipReason ?? c.steps.find((s) => s.verdict === c.verdict)?.findings[0] ?? '';
      out.push(`${c.id}: recorded ${want}, got ${c.verdict}${why ? ` (${why})` : ''}`);
    }
  }
  for (const id of Object.keys(recorded.verdicts)) if (!seen.has(id)) out.push(`${id}: recorded ${recorded.verdicts[id].verdict}, but no such case ran`);
  return out;
}

export async function readRecordedVerdicts(file: string): Promise<RecordedVerdicts> {
  return JSON.parse(await readFile(file, 'utf8')) as RecordedVerdicts;
}
