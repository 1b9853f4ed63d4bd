import type { Metric, Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  value: number;
}

export interface PreboundCounterChild {
  inc(): void;
}

/**
 * A Prometheus counter whose label sets are bound once. prom-client's Counter validates and hashes
 * the label set on every inc(), even through `labels()`; the gateway counts every request, so here
 * an increment is one add. Exposition is prom-client's: its registry formats what `get()` returns.
 */
export class PreboundCounter<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  #series = new Map<string, Series>();

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series for these label values, in `labelNames` order; created at zero if new. */
  labels(...values: string[]): PreboundCounterChild {
    if (values.length !== this.labelNames.length) {
      throw new Error(`counter ${this.name}: expected ${this.labelNames.length} label value(s), got ${values.length}`);
    }
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]])), value: 0 };
      this.#series.set(key, series);
    }
    const s = series;
    return {
      inc(): void {
        s.value++;
      },
    };
  }

  reset(): void {
    for (const s of this.#series.values()) s.value = 0;
  }

  async get(): Promise<{ name: string; help: string; type: 'counter'; values: Series[]; aggregator: 'sum' }> {
    const values = [...this.#series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}
