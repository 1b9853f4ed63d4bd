import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { HarnessError } from '../suites/harness/harness-error.ts';
import { loadCases } from '../suites/harness/load-cases.ts';
import type { RunReport } from '../suites/harness/run-report.ts';
import { runSuite } from '../suites/harness/run-suite.ts';
import { startTarget, TARGET_NAMES } from '../suites/harness/start-target.ts';
import { consoleReport, progressReporter, writeReports } from '../suites/report/index.ts';
import { CliError } from './cli-error.ts';
import { parsePort } from './parse-port.ts';

interface RunOptions {
  target: string;
  profile?: string;
  idp?: string;
  upstreamPort?: string;
  apimPolicy?: string;
  apigeePolicy?: string;
  policyValues?: string;
  only?: string;
  report?: string;
  concurrency: string;
}

/**
 * `gatecheck run`: the conformance suite against one target. Exit 0 when every blocking case (must,
 * profile, either) holds, 1 when one fails, 2 when the harness erred or the input was bad.
 */
export function runCommand(): Command {
  return new Command('run')
    .description('run the conformance suite against a gateway (default: the embedded reference gateway)')
    .option('--target <name|url>', `${TARGET_NAMES.join(', ')}, or the URL of your gateway (needs --profile)`, 'reference')
    .option('--profile <file>', 'target profile (YAML or JSON): what the gateway is configured to enforce')
    .option('--idp <url>', 'a running mock IdP the gateway trusts (default: started in process on the port the profile names)')
    .option('--upstream-port <port>', 'port of the echo upstream your gateway forwards to (URL targets)', '9480')
    .option('--apim-policy <file|dir>', 'emulate an Azure APIM policy, or an APIOps-extracted folder, and run the suite against it')
    .option('--apigee-policy <file|dir|zip>', 'emulate an Apigee VerifyJWT policy, or an exported proxy bundle (folder or .zip), and run the suite against it')
    .option('--policy-values <file>', 'YAML or JSON name: value lines for the policy\'s {{named values}} and Apigee ref/uriRef/{variable} references')
    .option('--only <glob>', 'case ids to run, e.g. "claims/*" or "algorithm,keys/unknown-*"')
    .option('--report <dir>', 'where report.json, junit.xml and report.html go (default reports/<timestamp>)')
    .option('--concurrency <n>', 'cases in flight at once (exclusive cases always run alone)', '8')
    .action(async (opts: RunOptions) => {
      process.exitCode = await run(opts);
    });
}

async function run(opts: RunOptions): Promise<number> {
  const concurrency = Number(opts.concurrency);
  if (!/^\d+$/.test(opts.concurrency) || concurrency < 1 || concurrency > 256) throw new CliError(`--concurrency: expected 1 to 256, got "${opts.concurrency}"`);
  const cases = await loadCases({ only: opts.only });
  if (cases.length === 0) throw new HarnessError('ERR_NO_CASES', opts.only ? `no case id matches --only ${opts.only}` : 'no cases found under suites/cases');

  const target = await startTarget({
    target: opts.target,
    profile: opts.profile,
    idp: opts.idp,
    upstreamPort: opts.upstreamPort === undefined ? undefined : parsePort(opts.upstreamPort, '--upstream-port'),
    apimPolicy: opts.apimPolicy,
    apigeePolicy: opts.apigeePolicy,
    policyValues: opts.policyValues,
  });
  for (const d of target.notEmulated ?? []) {
    process.stderr.write(`not emulated: ${d.file}:${d.line}: ${d.message} (cases on ${d.checks.join(', ')} are skipped)\n`);
  }
  let report: RunReport;
  const progress = progressReporter({ total: cases.length });
  try {
    report = await runSuite({
      target,
      cases,
      concurrency,
      onCaseStart: (c) => progress.onCaseStart(c),
      onCaseEnd: (r) => progress.onCaseEnd(r),
    });
  } finally {
    progress.done();
    await target.stop();
  }

  const dir = resolve(opts.report ?? join('reports', report.startedAt.replace(/[:.]/g, '-')));
  const paths = await writeReports(report, dir);
  process.stdout.write(consoleReport(report, { reportPaths: [paths.json, paths.junit, paths.html] }));
  if (report.summary.error > 0) return 2;
  // `weaker` and `non-strict` never fail the run; a failed must, profile or either case does.
  return report.summary.blockingFailed > 0 ? 1 : 0;
}
