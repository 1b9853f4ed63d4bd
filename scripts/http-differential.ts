import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/**
 * The large run of the HTTP differential tests: the fast front against node:http (llhttp) and the own
 * upstream client against undici, with GATECHECK_DIFF_RUNS generated cases each instead of npm test's
 * default. Usage: `npx node scripts/http-differential.ts [runs per test, default 50000] [front|upstream]`
 * (the second argument runs one of the two tests only). Prints the
 * wall time and the tally of the upstream comparison; a difference fails with fast-check's shrunk
 * counterexample and its seed. Results are recorded in docs/benchmarks.md ("HTTP differential").
 */
const runs = Number(process.argv[2] ?? 50_000);
if (!Number.isInteger(runs) || runs <= 0) throw new Error(`runs must be a positive integer, not ${process.argv[2]}`);
const only = process.argv[3];
if (only !== undefined && only !== 'front' && only !== 'upstream') throw new Error(`the second argument is front or upstream, not ${only}`);
const files = ['front', 'upstream'].filter((name) => only === undefined || only === name).map((name) => `gateway-under-test/test/http-differential-${name}.test.ts`);
let failed = false;
console.log(`HTTP differential: ${runs} generated cases per test; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
for (const file of files) {
  const started = performance.now();
  const result = spawnSync('npx', ['vitest', 'run', file], {
    env: { ...process.env, GATECHECK_DIFF_RUNS: String(runs), GATECHECK_DIFF_VERBOSE: '1' },
    stdio: 'inherit',
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${file}: ${result.status === 0 ? 'no difference' : 'FAILED'} in ${seconds.toFixed(0)} s (${runs} cases)`);
  failed ||= result.status !== 0;
}
console.log(`load at end ${loadavg()[0].toFixed(2)}`);
process.exitCode = failed ? 1 : 0;
