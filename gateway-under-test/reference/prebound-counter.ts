import type { Metric, Registry } from 'prom-client';
import { LabelledSeries } from './labelled-series.ts';

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
  readonly #series: LabelledSeries<{ value: number }>;

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.#series = new LabelledSeries(`counter ${config.name}`, config.labelNames, () => ({ value: 0 }));
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series for these label values, in `labelNames` order; created at zero if new. */
  labels(...values: string[]): PreboundCounterChild {
    const s = this.#series.bind(values);
    return {
      inc(): void {
        s.value++;
      },
    };
  }

  reset(): void {
    for (const { state } of this.#series.all()) state.value = 0;
  }

  async get(): Promise<{ name: string; help: string; type: 'counter'; values: Array<{ labels: Record<string, string>; value: number }>; aggregator: 'sum' }> {
    const values = [...this.#series.all()].map((s) => ({ labels: { ...s.labels }, value: s.state.value }));
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}
