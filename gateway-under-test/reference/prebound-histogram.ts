import type { Metric, Registry } from 'prom-client';
import { LabelledSeries } from './labelled-series.ts';

/** One exposition sample, as prom-client's registry reads it from `get()`. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

interface Buckets {
  /** Per bucket, not cumulative; the last slot counts values above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export interface PreboundHistogramChild {
  observe(value: number): void;
}

/**
 * A Prometheus histogram whose label sets are bound once, up front. prom-client's Histogram
 * validates and hashes the label set on every observe(), even through `labels()`: about 1.3 µs of a
 * 55 µs cached request in a CPU profile. Here an observation is a bucket search and three adds.
 * The exposition (text and the JSON the cluster aggregator merges) is prom-client's own: the
 * registry formats what `get()` returns, in the shape its Histogram returns.
 */
export class PreboundHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  readonly #bounds: readonly number[];
  readonly #series: LabelledSeries<Buckets>;

  constructor(config: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registers: Registry[] }) {
    if (config.labelNames.includes('le' as L)) throw new Error('le is a reserved label name in a histogram');
    const bounds = [...config.buckets];
    if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]))) {
      throw new Error(`histogram ${config.name}: buckets must be finite and increasing`);
    }
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.#bounds = bounds;
    this.#series = new LabelledSeries(`histogram ${config.name}`, config.labelNames, () => ({ counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 }));
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series for these label values, in `labelNames` order; created at zero if new. */
  labels(...values: string[]): PreboundHistogramChild {
    const s = this.#series.bind(values);
    const bounds = this.#bounds;
    return {
      observe(value: number): void {
        if (!Number.isFinite(value)) throw new TypeError(`histogram value is not a finite number: ${value}`);
        let i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        s.counts[i]++;
        s.sum += value;
        s.count++;
      },
    };
  }

  reset(): void {
    for (const { state: s } of this.#series.all()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: Sample[]; aggregator: 'sum' }> {
    const values: Sample[] = [];
    for (const { labels, state: s } of this.#series.all()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += s.counts[i];
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
