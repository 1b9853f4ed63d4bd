import type { LoadResult, TimelinePoint } from '../runner/load-result.ts';
import { svgLineChart } from './svg-line-chart.ts';

/** x position of a percentile on the HDR "nines" axis: 90 → 1, 99 → 2, 99.9 → 3. */
const nines = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.9999) / 100));

const secs = (x: number) => x.toFixed(2).replace(/\.?0+$/, '');

/** How to read the throughput chart, naming the intervals that are not a whole second. */
export function throughputCaption(timeline: TimelinePoint[]): string {
  const odd = timeline.filter((p) => Math.abs(p.spanSeconds - 1) >= 0.01);
  if (odd.length === 0) return 'Each step: the responses (and errors) in that second.';
  if (odd.length === 1) {
    const p = odd[0];
    return `Each step: an interval's count ÷ its length; the last interval is ${secs(p.spanSeconds)} s (${secs(p.second - p.spanSeconds)}–${secs(p.second)} s), scaled to a per-second rate.`;
  }
  return `Each step: an interval's count ÷ its length; ${odd.length} intervals (ends of the run's steps) are not a whole second: scaled to per-second rates.`;
}

/** The report's three charts as SVG strings: latency over time, throughput over time, percentile spectrum. */
export function loadCharts(result: LoadResult): { latency: string; throughput: string; percentiles: string } {
  const markers = result.events.filter((e) => e.action === 'rotate-keys').map((e) => ({ x: e.atSeconds, label: 'keys rotated' }));
  const bands = result.scenario.events.flatMap((e) =>
    e.action === 'jwks-fault' ? [{ from: e.at * result.scenario.durationSeconds, to: (e.at + e.for) * result.scenario.durationSeconds, label: `JWKS ${e.kind}` }] : [],
  );
  const t = result.timeline;
  // Each interval drawn flat across the time it covers, so the axis starts at 0 and a short last
  // interval is a short segment, not a point pretending to stand for a whole second.
  const steps = (value: (p: TimelinePoint) => number): Array<[number, number]> =>
    t.flatMap((p): Array<[number, number]> => [[p.second - p.spanSeconds, value(p)], [p.second, value(p)]]);
  const corrected = result.model.model === 'open' ? ' (from intended send time)' : '';
  const latency = svgLineChart({
    title: `Latency per second${corrected}`,
    xLabel: 'seconds since start',
    yLabel: 'ms',
    series: [
      { name: 'max', color: '#9a9a9a', points: steps((p) => p.maxMs), dashed: true },
      { name: 'p99', color: '#e8710a', points: steps((p) => p.p99Ms) },
      { name: 'p50', color: '#1a73e8', points: steps((p) => p.p50Ms) },
    ],
    markers,
    bands,
  });
  // Each count is divided by its interval's length: the run's last interval is a fraction of a
  // second, and drawn as a count it would fall towards 0 although the target never slowed down.
  const throughput = svgLineChart({
    title: 'Responses and errors per second',
    xLabel: 'seconds since start',
    yLabel: 'per second',
    series: [
      { name: 'responses', color: '#188038', points: steps((p) => p.requests / p.spanSeconds) },
      { name: 'errors', color: '#d93025', points: steps((p) => p.errors / p.spanSeconds) },
    ],
    markers,
    bands,
    height: 260,
    caption: throughputCaption(t),
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
