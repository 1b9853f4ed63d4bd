import type { Level, Reference } from '../harness/define-case.ts';
import type { CaseResult, MatrixReport } from '../harness/run-report.ts';
import { isBlockingFailure, verdictSeverity } from './verdict-style.ts';

export interface MatrixRow {
  id: string;
  category: string;
  title: string;
  level: Level;
  references: Reference[];
  /** One per target, in column order; undefined when that run did not have the case (e.g. --only). */
  cells: (CaseResult | undefined)[];
  /** `target: first finding` for every target where this case failed at a blocking level (MUST, PROFILE, EITHER). */
  mustFindings: string[];
}

/**
 * The matrix as data, shared by the HTML and Markdown renderers: one row per case id in the order the
 * runs met them, one column per run. Two runs of the same target name get `#2`, `#3` so columns stay apart.
 */
export function matrixRows(matrix: MatrixReport): { targets: string[]; rows: MatrixRow[] } {
  const seen = new Map<string, number>();
  const targets = matrix.runs.map((run) => {
    const n = (seen.get(run.target.name) ?? 0) + 1;
    seen.set(run.target.name, n);
    return n === 1 ? run.target.name : `${run.target.name} #${n}`;
  });
  const byId = new Map<string, MatrixRow>();
  matrix.runs.forEach((run, column) => {
    for (const result of run.cases) {
      let row = byId.get(result.id);
      if (!row) {
        row = { id: result.id, category: result.category, title: result.title, level: result.level, references: result.references, cells: matrix.runs.map(() => undefined), mustFindings: [] };
        byId.set(result.id, row);
      }
      row.cells[column] = result;
    }
  });
  for (const row of byId.values()) {
    row.cells.forEach((result, column) => {
      if (result && isBlockingFailure(result)) {
        row.mustFindings.push(`${targets[column]}: ${firstFinding(result)}`);
      }
    });
  }
  return { targets, rows: [...byId.values()] };
}

function firstFinding(result: CaseResult): string {
  const step = [...result.steps].sort((a, b) => verdictSeverity[a.verdict] - verdictSeverity[b.verdict])[0];
  return (step?.findings[0] ?? 'failed').replace(/\s+/g, ' ');
}

export interface MatrixOptions {
  /**
   * Per run, in column order: the path of that target's own report relative to the matrix file
   * (`/`-separated), linked from the target's column header; undefined leaves that header plain.
   */
  targetReports?: (string | undefined)[];
}
