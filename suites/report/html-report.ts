import type { CaseResult, Observation, RunReport, StepResult, Verdict } from '../harness/run-report.ts';
import { describeExpectation } from './describe-expectation.ts';
import { curlCommand } from './curl-command.ts';
import { describeObservation } from './describe-observation.ts';
import { groupByCategory } from './group-by-category.ts';
import { html, type SafeHtml } from './html.ts';
import { htmlPage } from './html-page.ts';
import { htmlReportScript } from './html-report-script.ts';
import { redactSecrets } from './redact-secrets.ts';
import { referenceLink } from './reference-link.ts';
import { referenceName } from './reference-text.ts';
import { reportCss } from './report-css.ts';
import { isMustFailure, LEVELS, levelLabel, strictText, VERDICTS, verdictSeverity, verdictStyle } from './verdict-style.ts';

/** Steps shown in full per case; a flood of hundreds of requests is summarised beyond this. */
const MAX_STEPS_SHOWN = 6;
/** Response bodies are evidence, not the point; a gateway's 1 MB error page should not bloat the report. */
const MAX_BODY_CHARS = 4000;

/**
 * report.html: one self-contained page (inline CSS and script, CSP forbids anything else) with the
 * summary, per-category counts and every case's evidence. Every string from the run is escaped by the
 * `html` tag: tokens, headers and bodies come from attackers' recipes and gateways under test.
 */
export function htmlReport(input: RunReport): string {
  const report = redactSecrets(input);
  const categories = [...groupByCategory(report.cases).keys()];
  const body = html`
<header>
  <h1>gatecheck report: ${report.target.name}</h1>
  <div class="muted">${report.tool.name} ${report.tool.version} · target <code>${report.target.baseUrl}</code> · started ${report.startedAt} · ${seconds(report.durationMs)}</div>
  ${banner(report)}
</header>
<section>
  <h2>Summary</h2>
  <div class="cards">
    ${VERDICTS.map(
      (v) => html`<button type="button" class="card v-${v}" data-only-verdict="${v}" title="show only ${verdictStyle[v].label}"><b>${countOf(report, v)}</b>${verdictStyle[v].mark} ${verdictStyle[v].label}</button>`,
    )}
    <div class="card"><b>${report.cases.length}</b>total</div>
    <div class="card ${report.summary.mustFailed > 0 ? 'v-fail' : ''}"><b>${report.summary.mustFailed}</b>MUST failed</div>
    <div class="card ${report.summary.blockingFailed > 0 ? 'v-fail' : ''}" title="failed cases at level must, profile or either: any fails the run"><b>${report.summary.blockingFailed}</b>blocking failed</div>
    ${strictCard(report)}
  </div>
  ${weakerList(report)}
  ${categoryTable(report)}
  ${targetDetails(report)}
</section>
<section>
  <h2>Cases</h2>
  <div class="controls" role="search">
    <fieldset><legend>verdict</legend>${VERDICTS.map(
      (v) => html`<label class="v-${v}"><input type="checkbox" name="verdict" value="${v}" checked> ${verdictStyle[v].mark} ${v}</label>`,
    )}</fieldset>
    <fieldset><legend>level</legend>${LEVELS.map(
      (l) => html`<label><input type="checkbox" name="level" value="${l}" checked> ${levelLabel(l)}</label>`,
    )}</fieldset>
    <label>category <select id="f-category"><option value="">all</option>${categories.map((c) => html`<option value="${c}">${c}</option>`)}</select></label>
    <label>sort <select id="f-sort">
      <option value="suite">suite order</option><option value="verdict">worst first</option><option value="level">level</option>
      <option value="id">id</option><option value="duration">slowest first</option></select></label>
    <input type="search" id="f-text" placeholder="search id, title, findings, headers…" aria-label="search">
    <button type="button" class="linkish" id="f-expand">expand all</button>
    <button type="button" class="linkish" id="f-collapse">collapse all</button>
    <button type="button" class="linkish" id="f-reset">reset</button>
    <span class="muted" id="shown">${report.cases.length} cases</span>
  </div>
  <div id="cases">
    ${report.cases.map((result, index) => caseDetails(result, index, report.startedAt))}
  </div>
</section>`;
  return htmlPage({ title: `gatecheck: ${report.target.name}`, css: reportCss, script: htmlReportScript, body });
}

/** The profile-independent tally: how many judged cases were as strict as RFC 9068 / RFC 8725 require. */
function strictCard(report: RunReport): SafeHtml {
  const { held, judged } = report.summary.strict;
  return html`<div class="card ${held < judged ? 'v-weaker' : 'v-pass'}" title="cases at level must, profile or either, not skipped or errored, whose verdict is neither fail nor weaker"><b>${held} of ${judged}</b>RFC 9068 / RFC 8725 strict</div>`;
}

/** Every weaker case with the clause it falls short of, linked to its case: allowed by the contract, never hidden. */
function weakerList(report: RunReport): SafeHtml | string {
  const weaker = report.cases.filter((c) => c.verdict === 'weaker');
  if (weaker.length === 0) return '';
  return html`<h3 class="v-weaker">${verdictStyle.weaker.mark} Weaker than the RFCs (${weaker.length}): allowed by the target's contract, the run does not fail</h3>
  <ul class="findings">${weaker.map(
    (c) => html`<li><span class="mono">${c.id}</span> <span class="badge lvl-${c.level}">${levelLabel(c.level)}</span> ${c.weakerReference ? referenceLink(c.weakerReference) : ''}: ${c.weakerClause ?? 'weaker than RFC 8725 / RFC 9068 require'}</li>`,
  )}</ul>`;
}

function banner(report: RunReport): SafeHtml {
  const errors = countOf(report, 'error');
  const lines: SafeHtml[] = [];
  if (report.summary.mustFailed > 0) lines.push(html`<div class="banner bad">${report.summary.mustFailed} MUST case(s) failed</div>`);
  const promised = report.summary.blockingFailed - report.summary.mustFailed;
  if (promised > 0) lines.push(html`<div class="banner bad">${promised} PROFILE or EITHER case(s) failed: the target does not do what its profile declares</div>`);
  if (errors > 0) lines.push(html`<div class="banner err">${errors} harness error(s): not the gateway's fault, but the run is not conclusive and fails</div>`);
  const { target, run } = report.summary.mustSkipped ?? { target: 0, run: 0 };
  const skipped = target + run > 0 ? ` (${target + run} skipped: ${target} the target's contract does not cover, ${run} this run cannot provide)` : '';
  if (lines.length === 0) lines.push(html`<div class="banner ${target + run > 0 ? 'weak' : 'ok'}">Every MUST case that ran passed${skipped}</div>`);
  const { held, judged } = report.summary.strict;
  lines.push(html`<div class="banner ${held < judged ? 'weak' : 'ok'}">${strictText(report.summary.strict)}${
    report.summary.weaker > 0 ? ` (${report.summary.weaker} weaker than the RFCs, as the contract allows)` : ''
  }</div>`);
  return html`${lines}`;
}

function categoryTable(report: RunReport): SafeHtml {
  const rows = [...groupByCategory(report.cases)].map(([category, cases]) => {
    const counts = tally(cases);
    const mustFailed = cases.filter(isMustFailure).length;
    return html`<tr><th><button type="button" class="linkish" data-only-category="${category}">${category}</button></th>${VERDICTS.map(
      (v) => html`<td class="num ${counts[v] > 0 && v !== 'pass' ? `v-${v}` : ''}">${counts[v]}</td>`,
    )}<td class="num">${cases.length}</td><td class="num ${mustFailed > 0 ? 'v-fail' : ''}">${mustFailed}</td></tr>`;
  });
  const totals = tally(report.cases);
  return html`<table class="categories">
  <thead><tr><th>category</th>${VERDICTS.map((v) => html`<th class="v-${v}">${verdictStyle[v].mark} ${v}</th>`)}<th>total</th><th>MUST failed</th></tr></thead>
  <tbody>${rows}</tbody>
  <tfoot><tr><th>total</th>${VERDICTS.map((v) => html`<td class="num">${totals[v]}</td>`)}<td class="num">${report.cases.length}</td><td class="num">${report.summary.mustFailed}</td></tr></tfoot>
</table>`;
}

function targetDetails(report: RunReport): SafeHtml {
  const logs = report.target.logs ?? [];
  return html`<details><summary>Target profile${logs.length > 0 ? ' and logs' : ''}</summary>
  <pre>${json(report.target.profile ?? null)}</pre>
  ${logs.length > 0 ? html`<h3>Target logs</h3><pre>${logs.join('\n')}</pre>` : ''}
</details>`;
}

function caseDetails(result: CaseResult, index: number, startedAt: string): SafeHtml {
  const style = verdictStyle[result.verdict];
  const findings = result.steps.flatMap((s) => s.findings);
  const search = [result.id, result.title, result.category, result.skipReason, result.errorMessage, result.weakerClause, ...findings, ...result.references.map(referenceName), ...result.covers]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  const open = result.verdict === 'fail' || result.verdict === 'error';
  return html`<details class="case" id="${`case-${result.id}`}" ${open ? html`open` : ''} data-index="${index}" data-id="${result.id}" data-verdict="${result.verdict}" data-level="${result.level}" data-category="${result.category}" data-duration="${Math.round(result.durationMs)}" data-search="${search}">
  <summary><span class="mark v-${result.verdict}" title="${style.label}">${style.mark}</span><span class="badge lvl-${result.level}">${levelLabel(result.level)}</span>${
    result.verdict === 'weaker' ? html`<span class="badge v-weaker" title="${result.weakerClause ?? ''}">weaker</span>` : ''
  }<span class="id mono">${result.id}</span><span>${result.title}</span><span class="muted">${
    result.verdict !== 'pass' ? html`<span class="v-${result.verdict}">${style.label}</span> · ` : ''
  }${result.chose ? `chose ${result.chose} · ` : ''}${Math.round(result.durationMs)} ms</span></summary>
  <div class="case-body">
    ${result.skipReason ? html`<p><b>Skipped:</b> ${result.skipReason}</p>` : ''}
    ${result.errorMessage ? html`<p class="v-error"><b>Harness error:</b></p><pre>${result.errorMessage}</pre>` : ''}
    ${
      result.verdict === 'weaker'
        ? html`<p class="v-weaker"><b>Weaker than the RFCs:</b> ${result.weakerClause ?? 'weaker than RFC 8725 / RFC 9068 require'}${result.weakerReference ? html` (${referenceLink(result.weakerReference)})` : ''}. The target's contract allows it, so the run does not fail.</p>`
        : result.chose
          ? html`<p>Either outcome is acceptable; the gateway chose to <b>${result.chose}</b>.</p>`
          : ''
    }
    ${result.references.length > 0 ? html`<p><b>References:</b> ${joinHtml(result.references.map(referenceLink), ', ')}</p>` : ''}
    ${result.covers.length > 0 ? html`<p class="muted">Covers attack catalogue rows ${result.covers.join(', ')}</p>` : ''}
    ${stepsHtml(result, startedAt)}
    ${result.steps.length === 0 && result.request ? html`<h3>Request (as specified)</h3><pre>${json(result.request)}</pre>` : ''}
  </div>
</details>`;
}

function stepsHtml(result: CaseResult, startedAt: string): SafeHtml {
  const steps = result.steps.map((step, index) => ({ step, index }));
  let shown = steps;
  let note: SafeHtml | string = '';
  if (steps.length > MAX_STEPS_SHOWN) {
    // The first step shows the shape of the case; the rest of the room goes to the worst steps.
    const worst = steps
      .slice(1)
      .filter(({ step }) => step.verdict !== 'pass')
      .sort((a, b) => verdictSeverity[a.step.verdict] - verdictSeverity[b.step.verdict] || a.index - b.index)
      .slice(0, MAX_STEPS_SHOWN - 1);
    shown = [steps[0], ...worst].sort((a, b) => a.index - b.index);
    const counts = tally(result.steps.map((s) => ({ verdict: s.verdict })));
    note = html`<p class="muted">Showing ${shown.length} of ${steps.length} steps (${VERDICTS.filter((v) => counts[v] > 0)
      .map((v) => `${counts[v]} ${v}`)
      .join(', ')}).</p>`;
  }
  return html`${note}${shown.map(({ step, index }) => stepHtml(step, index, steps.length, startedAt))}`;
}

function stepHtml(step: StepResult, index: number, count: number, startedAt: string): SafeHtml {
  const o = step.observation;
  return html`<div class="step v-${step.verdict}">
  <h3>${count > 1 ? `Step ${index + 1} of ${count}: ` : ''}<span class="v-${step.verdict}">${verdictStyle[step.verdict].mark} ${step.verdict}</span></h3>
  ${step.findings.length > 0 ? html`<ul class="findings">${step.findings.map((f) => html`<li>${f}</li>`)}</ul>` : ''}
  <div class="grid2">
    <div><b>Expected</b><pre>${describeExpectation(step.expected)}</pre></div>
    <div><b>Observed</b><pre>${describeObservation(o, step.expected)}</pre></div>
  </div>
  <div class="grid2">
    <div><b>Request as sent</b><pre>${requestText(o)}</pre></div>
    ${o.token ? tokenHtml(o.token, startedAt) : ''}
  </div>
  <div class="grid2">
    <div><b>Response</b><pre>${responseText(o)}</pre></div>
    <div><b>Upstream</b><pre>${upstreamText(o)}</pre></div>
  </div>
  ${step.verdict === 'fail' ? html`<div><b>Reproduce</b><pre>${curlCommand(o.request)}</pre></div>` : ''}
</div>`;
}

function tokenHtml(token: NonNullable<Observation['token']>, startedAt: string): SafeHtml {
  const times = timeNotes(token.claims, startedAt);
  return html`<div><b>Token</b>
  <div class="muted">header</div><pre>${token.header ? json(token.header) : '(not a decodable JOSE header)'}</pre>
  <div class="muted">claims</div><pre>${token.claims ? json(token.claims) : '(not decodable JSON claims)'}</pre>
  ${times.length > 0 ? html`<pre>${times.join('\n')}</pre>` : ''}
  <details><summary class="muted">compact token (${token.value.length} chars)</summary><pre>${token.value}</pre></details>
</div>`;
}

/** exp, nbf and iat as dates and relative to the run start: what a claims case is really about. */
function timeNotes(claims: Record<string, unknown> | null, startedAt: string): string[] {
  const start = Date.parse(startedAt) / 1000;
  const notes: string[] = [];
  for (const name of ['iat', 'nbf', 'exp']) {
    const value = claims?.[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const date = new Date(value * 1000);
    const iso = Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString();
    const rel = Number.isFinite(start) ? ` (${relative(value - start)} from run start)` : '';
    notes.push(`${name} ${iso}${rel}`);
  }
  return notes;
}

function relative(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(seconds));
  if (abs >= 86400) return `${sign}${(abs / 86400).toFixed(1)} d`;
  if (abs >= 3600) return `${sign}${(abs / 3600).toFixed(1)} h`;
  if (abs >= 60) return `${sign}${Math.round(abs / 60)} min`;
  return `${sign}${abs} s`;
}

function requestText(o: Observation): string {
  if (o.request.raw !== undefined) return truncate(o.request.raw);
  const lines = [`${o.request.method} ${o.request.url}`, ...o.request.headers.map(([name, value]) => `${name}: ${value}`)];
  if (o.request.body !== undefined) lines.push('', truncate(o.request.body));
  return lines.join('\n');
}

function responseText(o: Observation): string {
  if (o.transportError) return `transport error: ${o.transportError}`;
  if (!o.response) return '(no response)';
  const r = o.response;
  const lines = [`${r.status} (${Math.round(r.latencyMs)} ms)`, ...headerLines(r.headers)];
  if (r.body) lines.push('', truncate(r.body));
  return lines.join('\n');
}

function upstreamText(o: Observation): string {
  if (o.upstream === undefined) return '(not observed)';
  if (o.upstream === null) return 'untouched: nothing reached the upstream';
  return [`reached: ${o.upstream.method} ${o.upstream.path}`, ...headerLines(o.upstream.headers)].join('\n');
}

function headerLines(headers: Record<string, string | string[]>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
}

function joinHtml(parts: SafeHtml[], separator: string): SafeHtml {
  return html`${parts.flatMap((p, i) => (i === 0 ? [p] : [html`${separator}`, p]))}`;
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v), 2) ?? 'undefined';
}

function truncate(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length - MAX_BODY_CHARS} more characters)` : text;
}

function tally(cases: { verdict: Verdict }[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict] += 1;
  return counts;
}

function countOf(report: RunReport, verdict: Verdict): number {
  return report.cases.filter((c) => c.verdict === verdict).length;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
