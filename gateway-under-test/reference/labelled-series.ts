/** One label set of a prebound metric and its state. */
export interface Series<S> {
  labels: Record<string, string>;
  state: S;
}

/**
 * The label sets of a prebound metric (prebound-counter.ts, prebound-histogram.ts): each bound once,
 * checked once, created with fresh state the first time it is bound.
 */
export class LabelledSeries<S> {
  readonly #metric: string;
  readonly #labelNames: readonly string[];
  readonly #create: () => S;
  #series = new Map<string, Series<S>>();

  constructor(metric: string, labelNames: readonly string[], create: () => S) {
    this.#metric = metric;
    this.#labelNames = labelNames;
    this.#create = create;
  }

  /** The state for these label values, in label-name order. */
  bind(values: readonly string[]): S {
    if (values.length !== this.#labelNames.length) {
      throw new Error(`${this.#metric}: expected ${this.#labelNames.length} label value(s), got ${values.length}`);
    }
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: Object.fromEntries(this.#labelNames.map((name, i) => [name, values[i]])), state: this.#create() };
      this.#series.set(key, series);
    }
    return series.state;
  }

  all(): IterableIterator<Series<S>> {
    return this.#series.values();
  }
}
