import type { LoadResult } from '../runner/load-result.ts';
import { svgLineChart } from './svg-line-chart.ts';

/** x position of a percentile on the HDR "nines" axis: 90 → 1, 99 → 2, 99.9 → 3. */
const nines = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.9999) / 100));

/** The report's three charts as SVG strings: latency over time, throughput over time, percentile spectrum. */
export function loadCharts(result: LoadResult): { latency: string; throughput: string; percentiles: string } {
  const markers = result.events.filter((e) => e.action === 'rotate-keys').map((e) => ({ x: e.atSeconds, label: 'keys rotated' }));
  const bands = result.scenario.events.flatMap((e) =>
    e.action === 'jwks-fault' ? [{ from: e.at * result.scenario.durationSeconds, to: (e.at + e.for) * result.scenario.durationSeconds, label: `JWKS ${e.kind}` }] : [],
  );
  const t = result.timeline;
  const corrected = result.model.model === 'open' ? ' (from intended send time)' : '';
  const latency = svgLineChart({
    title: `Latency per second${corrected}`,
    xLabel: 'seconds since start',
    yLabel: 'ms',
    series: [
      { name: 'max', color: '#9a9a9a', points: t.map((p) => [p.second, p.maxMs]), dashed: true },
      { name: 'p99', color: '#e8710a', points: t.map((p) => [p.second, p.p99Ms]) },
      { name: 'p50', color: '#1a73e8', points: t.map((p) => [p.second, p.p50Ms]) },
    ],
    markers,
    bands,
  });
  const throughput = svgLineChart({
    title: 'Responses and errors per second',
    xLabel: 'seconds since start',
    yLabel: 'per second',
    series: [
      { name: 'responses', color: '#188038', points: t.map((p) => [p.second, p.requests]) },
      { name: 'errors', color: '#d93025', points: t.map((p) => [p.second, p.errors]) },
    ],
    markers,
    bands,
    height: 260,
  });
  const ticks = [0, 50, 90, 99, 99.9, 99.99, 99.999].map((p) => ({ x: nines(p), label: `${p}%` }));
  const percentiles = svgLineChart({
    title: 'Latency by percentile',
    xLabel: 'percentile',
    yLabel: 'ms',
    series: [{ name: 'latency', color: '#1a73e8', points: result.percentiles.map((p) => [nines(p.percentile), p.ms]) }],
    xTicks: ticks.filter((tick) => tick.x <= nines(Math.max(99.9, ...result.percentiles.map((p) => p.percentile)))),
  });
  return { latency, throughput, percentiles };
}
