import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchGroup, BenchReport } from './bench-group.ts';

const CLI = fileURLToPath(new URL('../cli/gatecheck.ts', import.meta.url));
const RUNS = 3;
const GOAL_SECONDS = 15;

/** One `gatecheck run` as `npm start` does it (process start to exit), with its summary line. */
function timeRun(ctx: BenchContext, reportDir: string): Promise<{ seconds: number; exitCode: number | null; total: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'run', '--report', reportDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  ctx.defer(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', () => undefined);
  return new Promise((resolve) => {
    child.once('exit', (exitCode) => {
      // The summary table's header names its columns; read the total row by name, not position.
      const names = /^\s*category\s+(.*)$/m.exec(out)?.[1].trim().split(/\s+/) ?? [];
      const cells = /^\s*total\s+(.*)$/m.exec(out)?.[1].trim().split(/\s+/) ?? [];
      const col = (name: string) => cells[names.indexOf(name)];
      const ok = names.length > 0 && names.length === cells.length;
      resolve({ seconds: (performance.now() - started) / 1000, exitCode, total: ok ? `${col('pass')} pass, ${col('weaker')} weaker, ${col('fail')} fail, ${col('skipped')} skipped of ${col('total')}` : '(no summary)' });
    });
  });
}

export const suiteBench: BenchGroup = {
  name: 'suite',
  description: '`npm start`: the whole conformance suite against the embedded reference gateway, process start to exit',
  async run(ctx: BenchContext): Promise<BenchReport> {
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-suite-bench-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const rows: string[][] = [];
    const times: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      ctx.signal.throwIfAborted();
      const r = await timeRun(ctx, join(dir, String(i)));
      ctx.log(`  run ${i}: ${r.seconds.toFixed(1)} s, exit ${r.exitCode}, ${r.total}`);
      times.push(r.seconds);
      rows.push([String(i), r.seconds.toFixed(1), String(r.exitCode), r.total]);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    return {
      title: 'Conformance suite (npm start)',
      versions: {},
      tables: [{ caption: '`node cli/gatecheck.ts run` = `npm start`: mock IdP, echo upstream and reference gateway in process, every case', columns: ['run', 'seconds', 'exit', 'cases'], rows }],
      notes: [`Median ${median.toFixed(1)} s against the goal of ≤ ${GOAL_SECONDS} s: ${median <= GOAL_SECONDS ? 'met' : 'NOT met'}.`],
    };
  },
};
