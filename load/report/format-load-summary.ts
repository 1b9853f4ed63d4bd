import type { LoadResult } from '../runner/load-result.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** The console summary: what ran, throughput, latency, and every correctness error spelled out. */
export function formatLoadSummary(result: LoadResult, notes: string[] = []): string {
  const { latency: l, model } = result;
  const lines: string[] = [];
  const how = model.model === 'open' ? `open model, ${n(model.rate)} req/s over ${model.connections} connections` : `closed model, ${model.connections} connections`;
  lines.push(`${result.scenario.name} → ${result.target}  (${how}, ${result.durationSeconds.toFixed(1)} s, embedded engine)`);
  for (const note of notes) lines.push(`  note: ${note}`);
  lines.push(`  requests   ${n(result.requests.completed)} completed, ${n(result.requests.perSecond)} req/s`);
  lines.push(`  latency    p50 ${l.p50Ms} ms  p90 ${l.p90Ms} ms  p99 ${l.p99Ms} ms  p99.9 ${l.p999Ms} ms  max ${l.maxMs} ms${model.model === 'open' ? '  (from intended send time)' : ''}`);
  if (result.serviceLatency) {
    const s = result.serviceLatency;
    lines.push(`  service    p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  max ${s.maxMs} ms  (from actual send: what an uncorrected tool would report)`);
  }
  lines.push(`  statuses   ${Object.entries(result.statuses).map(([s, c]) => `${s}: ${n(c)}`).join('  ') || 'none'}`);
  const o = result.outcomes;
  lines.push(`  outcomes   ok ${n(o.ok)}  valid refused ${n(o['valid-refused'])}  bad accepted ${n(o['bad-accepted'])}  5xx ${n(o['server-error'])}  transport ${n(o['transport-error'])}  dropped ${n(o.dropped)}  throttled ${n(o.throttled)}${o.ungraded ? `  ungraded ${n(o.ungraded)}` : ''}`);
  if (result.pools.length > 1 || result.pools.some((p) => p.expect !== 'accept')) {
    for (const p of result.pools) {
      const wrong = p.expect === 'accept' ? p.refused : p.expect === 'reject' ? p.accepted : 0;
      lines.push(`    ${p.name.padEnd(28)} expect ${p.expect.padEnd(6)} sent ${n(p.sent).padStart(8)}  accepted ${n(p.accepted).padStart(8)}  refused ${n(p.refused).padStart(8)}${p.other ? `  other ${n(p.other)}` : ''}${wrong ? `  ← ${n(wrong)} WRONG` : ''}`);
    }
  }
  if (o['valid-refused']) lines.push(`  ERROR: ${n(o['valid-refused'])} valid token(s) refused under load`);
  if (o['bad-accepted']) lines.push(`  ERROR: ${n(o['bad-accepted'])} bad token(s) ACCEPTED under load`);
  for (const [message, count] of Object.entries(result.transportErrors)) lines.push(`  transport error ${message}: ${n(count)}`);
  for (const e of result.events) lines.push(`  event      ${e.atSeconds.toFixed(1)} s ${e.action}: ${e.ok ? e.detail : `FAILED ${e.detail}`}`);
  if (result.saturation) {
    for (const s of result.saturation.steps) {
      lines.push(`  step       ${n(s.rate).padStart(7)} req/s → ${n(s.achievedRate).padStart(7)} achieved, p99 ${s.p99Ms} ms, ${s.errors} errors ${s.sustained ? 'sustained' : 'NOT sustained'}`);
    }
    lines.push(`  max sustainable rate: ${result.saturation.maxSustainableRate === null ? 'none (the first step already failed)' : `${n(result.saturation.maxSustainableRate)} req/s`}`);
  }
  for (const t of result.thresholds) lines.push(`  threshold  ${t.name} ≤ ${t.limit}: ${t.actual.toFixed(4).replace(/\.?0+$/, '')} ${t.pass ? 'ok' : 'FAILED'}`);
  lines.push(`  ${result.passed ? 'PASSED' : 'FAILED'}`);
  return `${lines.join('\n')}\n`;
}
