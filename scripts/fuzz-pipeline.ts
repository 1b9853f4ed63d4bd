/**
 * The large property run over the reference pipeline (docs/reliability.md §1): `npm run fuzz -- [--runs N] [--seed S] [--out FILE]`.
 * Default 100,000 cases. Same harness and property as the CI test (gateway-under-test/test/reference-pipeline-fuzz.test.ts);
 * prints progress lines and a JSON summary, and writes it to --out when given. Exit 1 on a false accept.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createFuzzHarness } from '../gateway-under-test/test/reference-support/pipeline-fuzz.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' }, out: { type: 'string' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs <= 0) throw new Error('--runs must be a positive integer');
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);

const fuzz = await createFuzzHarness();
const started = performance.now();
const loadBefore = loadavg()[0];
let last = 0;
const step = Math.max(1000, Math.floor(runs / 20));
const details = await fc.check(
  fc.asyncProperty(fuzz.arbitrary, async (c) => {
    await fuzz.check(c);
    if (fuzz.stats.cases - last >= step) {
      last = fuzz.stats.cases;
      console.log(`  ${fuzz.stats.cases}/${runs} cases, ${fuzz.stats.accepted} accepted, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    }
  }),
  { numRuns: runs, seed },
);
fuzz.stop();
const summary = {
  property: 'pipeline accepts a mutated token only if the independent oracle accepts it',
  runs,
  seed,
  failed: details.failed,
  counterexample: details.counterexample ?? null,
  error: details.failed ? String(details.errorInstance).slice(0, 4000) : null,
  ...fuzz.stats,
  tokenCacheEntries: fuzz.runtime.tokenCache?.size ?? 0,
  elapsedSeconds: Math.round((performance.now() - started) / 100) / 10,
  machine: { cpus: cpus().length, loadAverage1mBefore: loadBefore, loadAverage1mAfter: loadavg()[0] },
  node: process.version,
};
console.log(JSON.stringify(summary, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = details.failed ? 1 : 0;
