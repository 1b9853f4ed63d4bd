import type { MatrixReport, Verdict } from '../harness/run-report.ts';
import type { Reference } from '../harness/define-case.ts';
import { matrixRows, type MatrixOptions } from './matrix-rows.ts';
import { referenceName } from './reference-text.ts';
import { referenceUrl } from './reference-url.ts';
import { relativeHref } from './relative-href.ts';
import { isBlockingFailure, isMustFailure, levelLabel, strictTally, VERDICTS, verdictStyle } from './verdict-style.ts';

/**
 * matrix.md: the same matrix for a pull request or wiki page. Cells are verdict marks with a legend;
 * a summary row per target comes first so the headline is visible without scrolling a long table.
 * Each case names its references as links; each target's name links to its own report when `options`
 * gives one.
 */
export function matrixMarkdown(matrix: MatrixReport, options: MatrixOptions = {}): string {
  const { targets, rows } = matrixRows(matrix);
  const target = (i: number) => {
    const report = options.targetReports?.[i];
    return report ? `[${md(targets[i])}](${relativeHref(report)})` : md(targets[i]);
  };
  const out: string[] = [];
  out.push(`# gatecheck matrix`, '');
  out.push(`Started ${md(matrix.startedAt)}; ${targets.length} targets, ${rows.length} cases.`, '');
  out.push(`Legend: ${VERDICTS.map((v) => `${verdictStyle[v].mark} ${v}`).join(' · ')} · (blank) not run`, '');

  out.push(`| target | ${VERDICTS.join(' | ')} | total | MUST failed | blocking failed | RFC 9068 / RFC 8725 strict |`);
  out.push(`|---|${VERDICTS.map(() => '---:').join('|')}|---:|---:|---:|---:|`);
  matrix.runs.forEach((run, i) => {
    const counts = tally(run.cases.map((c) => c.verdict));
    const mustFailed = run.cases.filter(isMustFailure).length;
    const blockingFailed = run.cases.filter(isBlockingFailure).length;
    const strict = strictTally(run.cases);
    out.push(`| ${target(i)} | ${VERDICTS.map((v) => counts[v]).join(' | ')} | ${run.cases.length} | ${mustFailed} | ${blockingFailed} | ${strict.held} of ${strict.judged} |`);
  });
  out.push('');

  // A weaker cell carries a footnote number per distinct clause: Markdown has no tooltips.
  const clauses: string[] = [];
  const footnote = (clause: string) => {
    if (!clauses.includes(clause)) clauses.push(clause);
    return clauses.indexOf(clause) + 1;
  };
  out.push(`| case | level | ${targets.map((_, i) => target(i)).join(' | ')} | finding (blocking failure) |`);
  out.push(`|---|---|${targets.map(() => ':---:').join('|')}|---|`);
  for (const row of rows) {
    const cells = row.cells.map((r) => (!r ? '' : r.verdict === 'weaker' ? `${verdictStyle.weaker.mark} (${footnote(r.weakerClause ?? 'weaker than RFC 8725 / RFC 9068 require')})` : verdictStyle[r.verdict].mark));
    const refs = row.references.length > 0 ? ` (${row.references.map(referenceMarkdown).join(', ')})` : '';
    out.push(`| ${md(row.id)}${refs} | ${levelLabel(row.level)} | ${cells.join(' | ')} | ${md(row.mustFindings.join(' · '))} |`);
  }
  if (clauses.length > 0) {
    out.push('', `${verdictStyle.weaker.mark} weaker: allowed by the target's contract, but weaker than RFC 8725 / RFC 9068 require:`, '');
    clauses.forEach((clause, i) => out.push(`${i + 1}. ${md(clause)}`));
  }
  return out.join('\n') + '\n';
}

/**
 * A link only for a URL that cannot break out of its link or table cell (no spaces, brackets, parentheses,
 * pipes or angle brackets); a case's own odd URL stays plain text.
 */
function referenceMarkdown(reference: Reference): string {
  const url = referenceUrl(reference);
  const name = md(referenceName(reference));
  return url && /^https?:\/\/[\w\-.~:/?#@!$&'*+,;=%]+$/.test(url) ? `[${name}](${url})` : name;
}

/**
 * Inert Markdown text inside a table cell. Hostile findings must not become links, images or raw HTML
 * when a forge renders the file, nor break out of their cell: inline markup characters are backslash-escaped
 * (line-start markup such as `-` or `#` cannot occur inside a cell),
 * angle brackets and ampersands become entities, and newlines become spaces.
 */
function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch] ?? ch);
}

function tally(verdicts: Verdict[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const v of verdicts) counts[v] += 1;
  return counts;
}
