import type { CaseResult } from '../harness/run-report.ts';

/** Categories in the order the run met them, so every report follows the suite's own order. */
export function groupByCategory(cases: CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>();
  for (const result of cases) {
    const list = groups.get(result.category);
    if (list) list.push(result);
    else groups.set(result.category, [result]);
  }
  return groups;
}
