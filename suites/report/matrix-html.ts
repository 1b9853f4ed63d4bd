import type { MatrixReport, Verdict } from '../harness/run-report.ts';
import { html } from './html.ts';
import { htmlPage } from './html-page.ts';
import { matrixRows } from './matrix-rows.ts';
import { reportCss } from './report-css.ts';
import { isBlockingFailure, levelLabel, VERDICTS, verdictStyle } from './verdict-style.ts';

/** Hides rows where every target passed, so the differences between gateways stand out. */
const matrixScript = `
(() => {
  const toggle = document.getElementById('only-differences');
  const rows = Array.from(document.querySelectorAll('tr[data-all-pass]'));
  const apply = () => rows.forEach((tr) => { tr.hidden = toggle.checked && tr.dataset.allPass === 'true'; });
  toggle.addEventListener('change', apply);
  apply();
})();
`;

/**
 * matrix.html: rows are cases, columns are targets, cells are verdict marks (hover for the findings),
 * a summary row per target on top, and the first finding of every failing MUST case beside its row.
 * Self-contained and escaped like report.html.
 */
export function matrixHtml(matrix: MatrixReport): string {
  const { targets, rows } = matrixRows(matrix);
  const summaries = VERDICTS.map(
    (v) => html`<tr class="summary"><th colspan="2" class="v-${v}">${verdictStyle[v].mark} ${v}</th>${matrix.runs.map(
      (run) => html`<td class="cell">${run.cases.filter((c) => c.verdict === v).length}</td>`,
    )}<td></td></tr>`,
  );
  const mustRow = html`<tr class="summary"><th colspan="2">MUST failed</th>${matrix.runs.map((run) => {
    const n = run.cases.filter(isBlockingFailure).length;
    return html`<td class="cell ${n > 0 ? 'v-fail' : 'v-pass'}">${n}</td>`;
  })}<td></td></tr>`;
  const body = html`
<h1>gatecheck matrix</h1>
<div class="muted">started ${matrix.startedAt} · ${targets.length} targets · ${rows.length} cases ·
  ${VERDICTS.map((v) => html`<span class="v-${v}">${verdictStyle[v].mark} ${v}</span> `)}</div>
<p><label><input type="checkbox" id="only-differences"> only cases that did not pass everywhere</label></p>
<table class="matrix">
  <thead><tr><th>case</th><th>level</th>${matrix.runs.map(
    (run, i) => html`<th title="${run.target.baseUrl}">${targets[i]}</th>`,
  )}<th>finding (failing MUST)</th></tr></thead>
  <tbody>
    ${summaries}
    ${mustRow}
    ${rows.map(
      (row) => html`<tr data-all-pass="${String(row.cells.every((c) => c?.verdict === 'pass'))}">
      <td><span class="mono">${row.id}</span><div class="muted">${row.title}</div></td>
      <td><span class="badge lvl-${row.level}">${levelLabel(row.level)}</span></td>
      ${row.cells.map((c) =>
        c
          ? html`<td class="cell v-${c.verdict}" title="${cellTitle(c.verdict, c.steps.flatMap((s) => s.findings), c.skipReason ?? c.errorMessage)}">${verdictStyle[c.verdict].mark}</td>`
          : html`<td class="cell muted" title="not run">·</td>`,
      )}
      <td>${row.mustFindings.join(' · ')}</td>
    </tr>`,
    )}
  </tbody>
</table>`;
  return htmlPage({ title: 'gatecheck matrix', css: reportCss, script: matrixScript, body });
}

function cellTitle(verdict: Verdict, findings: string[], reason: string | undefined): string {
  return [verdict, reason, ...findings.slice(0, 5)].filter(Boolean).join('\n');
}
