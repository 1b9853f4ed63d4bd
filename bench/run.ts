// Usage: node bench/run.ts [--only NAME[,NAME]] [--duration 10s] [--rounds 1] [--connections 32] [--threads 1]
//                          [--tokens 10000] [--reference-workers 1] [--max-steal 10] [--steal-retries 2]
//                          [--no-write | --write]
// One run, one load tool (wrk); prints tables and writes docs/benchmarks.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext, BenchGroup, BenchReport, BenchSettings } from './bench-group.ts';
import { formatTable } from './format-table.ts';
import { gatewayBench } from './gateway.bench.ts';
import { tokenPoolBench } from './token-pool.bench.ts';
import { idpBench } from './idp.bench.ts';
import { suiteBench } from './suite.bench.ts';
import { loadEngineBench } from './load-engine.bench.ts';
import { commandVersion, machineInfo } from './machine-info.ts';
import { parseDuration } from './parse-duration.ts';
import { HAND_WRITTEN, renderMarkdown } from './render-markdown.ts';

/** Benchmark groups, in run order. A new group: one `bench/<name>.bench.ts` exporting a BenchGroup, listed here. */
const GROUPS: BenchGroup[] = [idpBench, suiteBench, gatewayBench, tokenPoolBench, loadEngineBench];

const abort = new AbortController();
const OUTPUT = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function nonNegativeInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name}: expected an integer ≥ 0, got ${JSON.stringify(text)}`);
  return n;
}

function percent(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new RangeError(`--${name}: expected a percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return n;
}

function usageError(message: string): never {
  console.error(`bench: ${message}`);
  console.error(`groups: ${GROUPS.map((g) => `${g.name} (${g.description})`).join('; ')}`);
  process.exit(2);
}

/**
 * Sections after HAND_WRITTEN in docs/benchmarks.md (repeat runs, analyses) are notes a person
 * wrote about earlier runs: a new run replaces the generated part above them, never them.
 */
function handWrittenTail(file: string): string {
  let existing: string;
  try {
    existing = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = existing.indexOf(HAND_WRITTEN);
  return at === -1 ? '' : `\n${existing.slice(at)}`;
}

async function runGroup(group: BenchGroup, settings: BenchSettings, signal: AbortSignal): Promise<BenchReport> {
  const cleanups: Array<() => unknown> = [];
  const context: BenchContext = {
    settings,
    signal,
    defer: (cleanup) => cleanups.push(cleanup),
    log: (line) => console.log(line),
  };
  try {
    return await group.run(context);
  } finally {
    // Reverse order: gateways stop before the upstream and issuer they depend on.
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`bench: cleanup failed: ${(error as Error).message}`);
      }
    }
  }
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        only: { type: 'string' },
        duration: { type: 'string', default: '10s' },
        rounds: { type: 'string', default: '1' },
        connections: { type: 'string', default: '32' },
        threads: { type: 'string', default: '1' },
        tokens: { type: 'string', default: '10000' },
        // One: wrk and the Node upstream need the second core. Measured with 1 and 2 in back-to-back runs
        // (docs/benchmarks.md): two workers each verify the whole token pool and fight them for CPU.
        'reference-workers': { type: 'string', default: '1' },
        // A VM's neighbours can take over half its CPU for minutes; such a slot says little about the server.
        'max-steal': { type: 'string', default: '10' },
        'steal-retries': { type: 'string', default: '2' },
        'no-write': { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  let settings: BenchSettings;
  try {
    settings = {
      durationSeconds: parseDuration(values.duration),
      rounds: positiveInt('rounds', values.rounds),
      connections: positiveInt('connections', values.connections),
      threads: positiveInt('threads', values.threads),
      tokens: positiveInt('tokens', values.tokens),
      referenceWorkers: positiveInt('reference-workers', values['reference-workers']),
      maxStealPercent: percent('max-steal', values['max-steal']),
      stealRetries: nonNegativeInt('steal-retries', values['steal-retries']),
    };
  } catch (error) {
    usageError((error as Error).message);
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !GROUPS.some((g) => g.name === name)) ?? [];
  if (unknown.length > 0) usageError(`unknown group ${unknown.join(', ')}`);
  const groups = only ? GROUPS.filter((g) => only.includes(g.name)) : GROUPS;

  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      // Second Ctrl-C: leave now; the process exit hook still kills the gateways we started.
      process.exit(130);
    }
    console.error(`\nbench: ${signal}, stopping everything…`);
    abort.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedAt = new Date();
  const command = process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    : `node bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  const machine = machineInfo();
  console.log(
    `${command}\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load ${machine.loadAverage}; ` +
      `${settings.durationSeconds} s per measurement × ${settings.rounds} round(s), ${settings.connections} connections`,
  );

  const reports: BenchReport[] = [];
  for (const group of groups) {
    console.log(`\n# ${group.name}: ${group.description}`);
    const report = await runGroup(group, settings, abort.signal);
    reports.push(report);
    console.log(`\n## ${report.title}`);
    for (const table of report.tables) console.log(`\n${formatTable(table)}`);
    for (const note of report.notes) console.log(`- ${note}`);
  }

  if (values['no-write']) return;
  // A partial run would replace every other group's results in the shared document.
  if (only && !values.write) {
    console.log('\nnot writing docs/benchmarks.md: partial run (--only); add --write to replace it anyway');
    return;
  }
  const markdown = renderMarkdown({
    command,
    startedAt,
    settings,
    machine,
    versions: Object.fromEntries(
      Object.entries({ node: process.version, wrk: commandVersion('wrk', ['--version'], /wrk (\S+)/) }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    reports,
    loadAverageAtEnd: Math.round(loadavg()[0] * 100) / 100,
  });
  writeFileSync(OUTPUT, markdown + handWrittenTail(OUTPUT));
  console.log(`\nwrote ${OUTPUT}`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: Error) => {
    if (abort.signal.aborted) {
      console.error('bench: interrupted; every process it started has been stopped');
      process.exit(130);
    }
    console.error(`bench: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
