import type { LoadResult } from '../runner/load-result.ts';
import { loadCharts } from './load-charts.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (x: number) => x.toLocaleString('en-US');

function table(head: string[], rows: Array<Array<string | number>>, bad?: (row: Array<string | number>) => boolean): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr${bad?.(r) ? ' class="bad"' : ''}>${r.map((c) => `<td>${esc(typeof c === 'number' ? n(c) : c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** One self-contained HTML file: inline CSS and SVG, no script, no CDN, safe to attach to a ticket. */
export function loadHtmlReport(result: LoadResult, notes: string[] = []): string {
  const charts = loadCharts(result);
  const l = result.latency;
  const o = result.outcomes;
  const model = result.model.model === 'open' ? `open model, ${n(result.model.rate)} req/s, ${result.model.connections} connections` : `closed model, ${result.model.connections} connections`;
  const errorLine = [
    o['valid-refused'] ? `${n(o['valid-refused'])} valid token(s) refused` : '',
    o['bad-accepted'] ? `${n(o['bad-accepted'])} bad token(s) ACCEPTED` : '',
    o['server-error'] ? `${n(o['server-error'])} 5xx` : '',
    o['transport-error'] ? `${n(o['transport-error'])} transport errors` : '',
    o.dropped ? `${n(o.dropped)} dropped` : '',
  ].filter(Boolean).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gatecheck load: ${esc(result.scenario.name)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}.bad td{background:#fde2e1}
.verdict{font-weight:bold;padding:4px 10px;border-radius:4px;display:inline-block}.pass{background:#e6f4ea;color:#137333}.fail{background:#fde2e1;color:#a50e0e}
.errors{color:#a50e0e;font-weight:bold}
</style></head><body>
<h1>${esc(result.scenario.name)} → ${esc(result.target)}</h1>
<p>${esc(result.scenario.description)}</p>
<p>${esc(model)}; ${result.durationSeconds.toFixed(1)} s from ${esc(result.startedAt)}; embedded engine. <span class="verdict ${result.passed ? 'pass' : 'fail'}">${result.passed ? 'PASSED' : 'FAILED'}</span></p>
${errorLine ? `<p class="errors">Errors under load: ${esc(errorLine)}</p>` : ''}
${notes.length ? `<ul>${notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
<h2>Summary</h2>
${table(['', 'value'], [
    ['responses', result.requests.completed],
    ['req/s', result.requests.perSecond],
    [`p50 / p90 / p99 / p99.9 / max ms${result.model.model === 'open' ? ' (from intended send)' : ''}`, `${l.p50Ms} / ${l.p90Ms} / ${l.p99Ms} / ${l.p999Ms} / ${l.maxMs}`],
    ...(result.serviceLatency ? [['p50 / p99 / max ms from actual send (uncorrected)', `${result.serviceLatency.p50Ms} / ${result.serviceLatency.p99Ms} / ${result.serviceLatency.maxMs}`]] : []),
    ['error rate', result.errorRate.toFixed(6)],
  ])}
${charts.latency}
${charts.throughput}
${charts.percentiles}
<h2>Statuses</h2>
${table(['status', 'responses'], Object.entries(result.statuses).map(([s, c]) => [s, c]))}
<h2>Outcomes</h2>
${table(['outcome', 'requests'], Object.entries(o).map(([k, v]) => [k, v]), (r) => ['valid-refused', 'bad-accepted', 'server-error', 'transport-error', 'dropped'].includes(String(r[0])) && Number(r[1]) > 0)}
${result.pools.length ? `<h2>Token pools</h2>${table(['pool', 'expect', 'tokens', 'sent', 'accepted', 'refused', 'other'], result.pools.map((p) => [p.name, p.expect, p.tokens, p.sent, p.accepted, p.refused, p.other]), (r) => (r[1] === 'accept' && Number(r[5]) > 0) || (r[1] === 'reject' && Number(r[4]) > 0))}` : ''}
${result.events.length ? `<h2>Events</h2>${table(['at s', 'action', 'result'], result.events.map((e) => [e.atSeconds.toFixed(2), e.action, e.ok ? e.detail : `FAILED: ${e.detail}`]), (r) => String(r[2]).startsWith('FAILED'))}` : ''}
${result.saturation ? `<h2>Saturation steps</h2>${table(['rate', 'achieved', 'p99 ms', 'errors', 'sustained'], result.saturation.steps.map((s) => [s.rate, s.achievedRate, s.p99Ms, s.errors, s.sustained ? 'yes' : 'no']))}<p>Maximum sustainable rate: <b>${result.saturation.maxSustainableRate === null ? 'none' : `${n(result.saturation.maxSustainableRate)} req/s`}</b></p>` : ''}
<h2>Thresholds</h2>
${table(['threshold', 'limit', 'actual', ''], result.thresholds.map((t) => [t.name, String(t.limit), String(t.actual), t.pass ? 'ok' : 'FAILED']), (r) => r[3] === 'FAILED')}
</body></html>
`;
}
