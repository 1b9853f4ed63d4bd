/** Settings shared by every group, from the command line. */
export interface BenchSettings {
  durationSeconds: number;
  /** Passes over every target; results are means across rounds. */
  rounds: number;
  connections: number;
  threads: number;
  /** Size of the distinct-token pool. */
  tokens: number;
  /** node:cluster workers for the reference gateway. */
  referenceWorkers: number;
  /** Hypervisor steal above which a throughput measurement is taken again (see measure-with-low-steal.ts). */
  maxStealPercent: number;
  /** At most this many extra attempts per measurement. */
  stealRetries: number;
}

export interface BenchContext {
  settings: BenchSettings;
  /** Aborted on SIGINT/SIGTERM: stop measuring, the cleanups still run. */
  signal: AbortSignal;
  /** Registers teardown; run in reverse order after the group, also on error or interrupt. */
  defer(cleanup: () => unknown): void;
  log(line: string): void;
}

export interface BenchTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

/** What a group hands back: rendered to the console and into docs/benchmarks.md. */
export interface BenchReport {
  title: string;
  /** Extra component versions (`haproxy` → `2.6.12`). */
  versions: Record<string, string>;
  tables: BenchTable[];
  notes: string[];
}

/** One benchmark group, one file each (`bench/<name>.bench.ts`), registered in bench/run.ts. */
export interface BenchGroup {
  name: string;
  description: string;
  run(context: BenchContext): Promise<BenchReport>;
}
