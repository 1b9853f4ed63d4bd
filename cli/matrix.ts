import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { HarnessError } from '../suites/harness/harness-error.ts';
import { loadCases } from '../suites/harness/load-cases.ts';
import type { MatrixReport, RunReport } from '../suites/harness/run-report.ts';
import { runSuite } from '../suites/harness/run-suite.ts';
import { startTarget, TARGET_NAMES, type TargetSpec } from '../suites/harness/start-target.ts';
import { progressReporter, strictText, writeMatrix, writeReports } from '../suites/report/index.ts';
import { didYouMean } from '../suites/harness/did-you-mean.ts';
import { loadPolicyValues } from '../gateway-under-test/index.ts';
import { CliError } from './cli-error.ts';

interface MatrixOptions {
  targets: string;
  idp?: string;
  policyValues?: string;
  only?: string;
  report?: string;
  concurrency: string;
}

/**
 * `gatecheck matrix --targets a,b`: the same suite against several targets, one after the other (they
 * would share the echo upstream's port and the IdP otherwise), each run's reports in its own folder,
 * and matrix.html / matrix.md side by side. A target is a name (`reference`, a real-gateway adapter such
 * as `haproxy`) or `URL=PROFILE_FILE`.
 * Exit 2 when any run had a harness error, 1 when any target failed a blocking case, else 0.
 */
export function matrixCommand(): Command {
  return new Command('matrix')
    .description('run the suite against several targets and write the comparison matrix')
    .requiredOption('--targets <list>', `comma-separated: ${TARGET_NAMES.join(', ')}, URL=PROFILE_FILE for your own gateway, apim-policy=FILE|DIR or apigee-policy=FILE|DIR|ZIP for a policy or an exported API`)
    .option('--idp <url>', 'a running mock IdP the URL targets trust')
    .option('--policy-values <file>', 'YAML or JSON name: value lines for the policies\' {{named values}} and Apigee references')
    .option('--only <glob>', 'case ids to run')
    .option('--report <dir>', 'where the matrix and per-target reports go (default reports/matrix-<timestamp>)')
    .option('--concurrency <n>', 'cases in flight at once per target', '8')
    .action(async (opts: MatrixOptions) => {
      process.exitCode = await matrix(opts);
    });
}

async function matrix(opts: MatrixOptions): Promise<number> {
  const concurrency = Number(opts.concurrency);
  if (!/^\d+$/.test(opts.concurrency) || concurrency < 1 || concurrency > 256) throw new CliError(`--concurrency: expected 1 to 256, got "${opts.concurrency}"`);
  const specs = opts.targets.split(',').map((t) => t.trim()).filter(Boolean).map(parseTarget);
  if (specs.length === 0) throw new CliError('--targets: name at least one target');
  const isPolicy = (s: TargetSpec) => s.apimPolicy !== undefined || s.apigeePolicy !== undefined;
  if (opts.policyValues !== undefined && !specs.some(isPolicy)) throw new CliError('--policy-values applies to policy targets: add apim-policy=FILE or apigee-policy=FILE to --targets');
  // Read once before any target runs, so a bad values file does not cost the runs before the first policy.
  if (opts.policyValues !== undefined) await loadPolicyValues(opts.policyValues);
  const cases = await loadCases({ only: opts.only });
  if (cases.length === 0) throw new HarnessError('ERR_NO_CASES', opts.only ? `no case id matches --only ${opts.only}` : 'no cases found under suites/cases');

  const startedAt = new Date().toISOString();
  const dir = resolve(opts.report ?? join('reports', `matrix-${startedAt.replace(/[:.]/g, '-')}`));
  const runs: RunReport[] = [];
  const reports: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const target = await startTarget({ ...spec, idp: spec.profile ? opts.idp : undefined, policyValues: isPolicy(spec) ? opts.policyValues : undefined });
    const progress = progressReporter({ total: cases.length });
    try {
      runs.push(await runSuite({ target, cases, concurrency, onCaseStart: (c) => progress.onCaseStart(c), onCaseEnd: (r) => progress.onCaseEnd(r) }));
    } finally {
      progress.done();
      await target.stop();
    }
    const run = runs[runs.length - 1];
    const paths = await writeReports(run, join(dir, `${i + 1}-${run.target.name.replace(/[^\w.-]+/g, '_')}`));
    reports.push(paths.html);
    process.stderr.write(`${run.target.name}: ${run.summary.pass} pass, ${run.summary['non-strict']} non-strict, ${run.summary.weaker} weaker, ${run.summary.fail} fail (${run.summary.blockingFailed} blocking), ${run.summary.skipped} skipped, ${run.summary.error} error; ${strictText(run.summary.strict)} → ${paths.html}\n`);
  }
  const report: MatrixReport = { startedAt, runs };
  const written = await writeMatrix(report, dir, { reports });
  process.stdout.write(`Matrix: ${written.html}\nMatrix: ${written.markdown}\n`);
  if (runs.some((r) => r.summary.error > 0)) return 2;
  return runs.some((r) => r.summary.blockingFailed > 0) ? 1 : 0;
}

function parseTarget(item: string): TargetSpec {
  const policy = /^(apim|apigee)-policy=(.+)$/.exec(item);
  if (policy) return policy[1] === 'apim' ? { apimPolicy: policy[2] } : { apigeePolicy: policy[2] };
  if (!/^https?:\/\//i.test(item)) {
    // Checked before any target runs: a typo in the last name should not cost the runs before it.
    if (!TARGET_NAMES.includes(item)) throw new CliError(`--targets: unknown target "${item}"${didYouMean(item, TARGET_NAMES)}; use one of ${TARGET_NAMES.join(', ')} or URL=PROFILE_FILE`);
    return { target: item };
  }
  const at = item.lastIndexOf('=');
  if (at === -1) throw new CliError(`--targets: ${item} needs its profile, as URL=PROFILE_FILE`);
  return { target: item.slice(0, at), profile: item.slice(at + 1) };
}
