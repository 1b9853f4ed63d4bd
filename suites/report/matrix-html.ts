import type { MatrixReport, Verdict } from '../harness/run-report.ts';
import { html, type SafeHtml } from './html.ts';
import { htmlPage } from './html-page.ts';
import { matrixRows, type MatrixOptions, type MatrixRow } from './matrix-rows.ts';
import { referenceLink } from './reference-link.ts';
import { referenceName } from './reference-text.ts';
import { relativeHref } from './relative-href.ts';
import { reportCss } from './report-css.ts';
import { isBlockingFailure, isMustFailure, levelLabel, strictTally, VERDICTS, verdictSeverity, verdictStyle } from './verdict-style.ts';

/**
 * Hides rows where every target passed (so the differences between gateways stand out), filters by
 * text and sorts; like report.html it only reads data-* attributes and moves existing rows.
 */
const matrixScript = `
(() => {
  const toggle = document.getElementById('only-differences');
  const text = document.getElementById('m-text');
  const sort = document.getElementById('m-sort');
  const rows = Array.from(document.querySelectorAll('tr[data-all-pass]'));
  const key = (tr) => tr.cells[0].dataset;
  const orders = {
    suite: (a, b) => key(a).index - key(b).index,
    worst: (a, b) => key(a).worst - key(b).worst || key(a).index - key(b).index,
    id: (a, b) => (key(a).id < key(b).id ? -1 : key(a).id > key(b).id ? 1 : 0),
  };
  const apply = () => {
    const needle = text.value.trim().toLowerCase();
    rows.forEach((tr) => { tr.hidden = (toggle.checked && tr.dataset.allPass === 'true') || (needle !== '' && !key(tr).search.includes(needle)); });
  };
  toggle.addEventListener('change', apply);
  text.addEventListener('input', apply);
  sort.addEventListener('change', () => {
    const body = rows[0] && rows[0].parentNode;
    if (body) rows.slice().sort(orders[sort.value] || orders.suite).forEach((tr) => body.appendChild(tr));
  });
  apply();
})();
`;

/**
 * matrix.html: rows are cases, columns are targets, cells are verdict marks (hover for the findings),
 * summary rows per target on top (a count per verdict, MUST and blocking failures, the RFC 9068 /
 * RFC 8725 strict tally), and the first finding of every blocking failure beside its row. A weaker
 * cell names its clause in the tooltip and in the row's details. Each case names its references as
 * links, and each target's column header links to that target's own report when `options` gives it.
 * Self-contained and escaped like report.html.
 */
export function matrixHtml(matrix: MatrixReport, options: MatrixOptions = {}): string {
  const { targets, rows } = matrixRows(matrix);
  const summaries = VERDICTS.map(
    (v) => html`<tr class="summary"><th colspan="2" class="v-${v}">${verdictStyle[v].mark} ${v}</th>${matrix.runs.map(
      (run) => html`<td class="cell">${run.cases.filter((c) => c.verdict === v).length}</td>`,
    )}<td></td></tr>`,
  );
  const countRow = (label: string, count: (cases: MatrixReport['runs'][number]['cases']) => number) =>
    html`<tr class="summary"><th colspan="2">${label}</th>${matrix.runs.map((run) => {
      const n = count(run.cases);
      return html`<td class="cell ${n > 0 ? 'v-fail' : 'v-pass'}">${n}</td>`;
    })}<td></td></tr>`;
  const mustRow = countRow('MUST failed', (cases) => cases.filter(isMustFailure).length);
  const blockingRow = countRow('blocking failed (MUST, PROFILE, EITHER)', (cases) => cases.filter(isBlockingFailure).length);
  const strictRow = html`<tr class="summary"><th colspan="2" title="cases at level must, profile or either, not skipped or errored, whose verdict is neither fail nor weaker">RFC 9068 / RFC 8725 strict</th>${matrix.runs.map((run) => {
    const { held, judged } = strictTally(run.cases);
    return html`<td class="cell ${held < judged ? 'v-weaker' : 'v-pass'}">${held} of ${judged}</td>`;
  })}<td></td></tr>`;
  const body = html`
<h1>gatecheck matrix</h1>
<div class="muted">started ${matrix.startedAt} · ${targets.length} targets · ${rows.length} cases ·
  ${VERDICTS.map((v) => html`<span class="v-${v}">${verdictStyle[v].mark} ${v}</span> `)}</div>
<p><label><input type="checkbox" id="only-differences"> only cases that did not pass everywhere</label>
  · <label>sort <select id="m-sort"><option value="suite">suite order</option><option value="worst">worst first</option><option value="id">id</option></select></label>
  · <input type="search" id="m-text" placeholder="search id, title, findings…" aria-label="search"></p>
<table class="matrix">
  <thead><tr><th>case</th><th>level</th>${matrix.runs.map(
    (run, i) => html`<th title="${run.target.baseUrl}">${targetHeader(targets[i], options.targetReports?.[i])}</th>`,
  )}<th>finding (blocking failure)</th></tr></thead>
  <tbody>
    ${summaries}
    ${mustRow}
    ${blockingRow}
    ${strictRow}
    ${rows.map(
      (row, index) => html`<tr data-all-pass="${String(row.cells.every((c) => c?.verdict === 'pass'))}">
      <td data-index="${index}" data-id="${row.id}" data-worst="${Math.min(...row.cells.map((c) => (c ? verdictSeverity[c.verdict] : 9)))}" data-search="${searchText(row, targets)}"><span class="mono">${row.id}</span><div class="muted">${row.title}</div>${references(row)}${cellDetails(row, targets)}</td>
      <td><span class="badge lvl-${row.level}">${levelLabel(row.level)}</span></td>
      ${row.cells.map((c) =>
        c
          ? html`<td class="cell v-${c.verdict}" title="${cellTitle(c.verdict, c.steps.flatMap((s) => s.findings), c.skipReason ?? c.errorMessage ?? c.weakerClause)}">${verdictStyle[c.verdict].mark}</td>`
          : html`<td class="cell muted" title="not run">·</td>`,
      )}
      <td>${row.mustFindings.join(' · ')}</td>
    </tr>`,
    )}
  </tbody>
</table>`;
  return htmlPage({ title: 'gatecheck matrix', css: reportCss, script: matrixScript, body });
}

/** The target's name, linked to its own report.html beside the matrix when there is one. */
function targetHeader(name: string, report: string | undefined): SafeHtml {
  return report ? html`<a href="${relativeHref(report)}" title="this target's report">${name}</a>` : html`${name}`;
}

function references(row: MatrixRow): SafeHtml | string {
  if (row.references.length === 0) return '';
  return html`<div class="muted refs">${row.references.map((r, i) => html`${i > 0 ? ', ' : ''}${referenceLink(r)}`)}</div>`;
}

/** Per-target evidence in the page itself: a hover title is unreachable by keyboard, touch and print. */
function cellDetails(row: MatrixRow, targets: string[]): SafeHtml | string {
  if (row.cells.every((c) => !c || c.verdict === 'pass')) return '';
  return html`<details class="muted"><summary>details</summary><ul class="findings">${row.cells.map((c, i) =>
    c ? html`<li><b>${targets[i]}</b>: <span class="v-${c.verdict}">${verdictStyle[c.verdict].mark} ${c.verdict}</span>${[c.skipReason ?? c.errorMessage ?? c.weakerClause, ...c.steps.flatMap((s) => s.findings).slice(0, 5)].filter(Boolean).map((f) => html` · ${f}`)}</li>` : html`<li><b>${targets[i]}</b>: not run</li>`,
  )}</ul></details>`;
}

function searchText(row: MatrixRow, targets: string[]): string {
  return [row.id, row.title, ...row.references.map(referenceName), ...row.cells.flatMap((c, i) => (c ? [targets[i], c.verdict, c.skipReason, c.errorMessage, ...c.steps.flatMap((s) => s.findings)] : []))]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

function cellTitle(verdict: Verdict, findings: string[], reason: string | undefined): string {
  return [verdict, reason, ...findings.slice(0, 5)].filter(Boolean).join('\n');
}
