import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { findPeerBinary } from '../gateway-under-test/index.ts';
import {
  formatLoadSummary,
  k6OperatorManifest,
  K6_SCRIPT,
  LOAD_TARGET_NAMES,
  loadHtmlReport,
  loadPng,
  loadProgress,
  loadScenario,
  preparePlan,
  runScenario,
  startLoadEnvironment,
  type LoadResult,
  type Scenario,
} from '../load/index.ts';
import { didYouMean } from '../suites/harness/did-you-mean.ts';
import { CliError } from './cli-error.ts';

interface LoadOptions {
  scenario: string;
  target: string;
  duration?: string;
  rate?: string;
  connections?: string;
  engine: string;
  json?: string;
  html?: string;
  png?: string;
  compare?: string;
  idp?: string;
  adminToken?: string;
  gatewayWorkers: string;
  k6Manifest?: string;
}

function seconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new CliError(`--duration: expected e.g. 30s, 2m or 1500ms, got "${text}"`);
  const v = Number(m[1]);
  return m[2] === 'ms' ? v / 1000 : m[2] === 'm' ? v * 60 : v;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n <= 0) throw new CliError(`${flag}: expected a positive number, got "${text}"`);
  return n;
}

/** Flags over the scenario's own numbers: --rate switches to the open model, --connections to the closed one. */
function applyOverrides(scenario: Scenario, opts: LoadOptions): Scenario {
  let s = { ...scenario };
  if (opts.duration) s.durationSeconds = seconds(opts.duration);
  if (opts.rate !== undefined && opts.connections !== undefined) {
    // Both: an open model at this rate over that many connections.
    s.load = { model: 'open', rate: positive('--rate', opts.rate), connections: Math.round(positive('--connections', opts.connections)), maxInFlight: 10_000 };
  } else if (opts.rate !== undefined) {
    s.load = { model: 'open', rate: positive('--rate', opts.rate), connections: s.load.connections, maxInFlight: s.load.model === 'open' ? s.load.maxInFlight : 10_000 };
  } else if (opts.connections !== undefined) {
    if (s.saturation) throw new CliError('--connections: the saturation scenario steps an arrival rate; use --rate for its first step');
    s.load = { model: 'closed', connections: Math.round(positive('--connections', opts.connections)) };
  }
  if (s.saturation && opts.rate !== undefined) s = { ...s, saturation: { ...s.saturation, startRate: s.load.model === 'open' ? s.load.rate : s.saturation.startRate } };
  if (s.saturation && opts.duration) s = { ...s, saturation: { ...s.saturation, stepSeconds: Math.max(1, s.durationSeconds / s.saturation.maxSteps) } };
  return s;
}

/**
 * `gatecheck load`: one scenario against one target (or several with --compare), with the embedded
 * engine or k6. Exit 0 when the run passed its thresholds, 1 when it did not, 2 on bad input.
 */
export function loadCommand(): Command {
  return new Command('load')
    .description('run a load scenario against a gateway: throughput, latency, and correctness under load')
    .requiredOption('--scenario <name|file>', 'passthrough, valid-repeated, valid-unique, mixed, rotation, jwks-outage, saturation, or a scenario .json')
    .option('--target <name|url>', 'reference, haproxy, or the URL of a gateway that trusts --idp', 'reference')
    .option('--duration <time>', "override the scenario's duration (30s, 2m)")
    .option('--rate <n>', 'open model: requests per second')
    .option('--connections <n>', 'closed model: connections (with --rate: the open model\'s connections)')
    .option('--engine <name>', 'embedded or k6', 'embedded')
    .option('--json <file>', 'write the result as JSON')
    .option('--html <file>', 'write the self-contained HTML report')
    .option('--png <file>', 'write the charts as PNG (needs the optional @resvg/resvg-js)')
    .option('--compare <targets>', 'run against several targets back to back and print ratios, e.g. reference,haproxy')
    .option('--idp <url>', 'a running mock IdP (gatecheck idp) the target trusts; default: one in process')
    .option('--admin-token <token>', "the mock IdP's control API token, if it has one")
    .option('--gateway-workers <n>', 'reference gateway worker processes; 1 serves it from this process, sharing the engine\'s event loop', '2')
    .option('--k6-manifest <file>', 'with --engine k6: write a k6-operator TestRun + ConfigMap instead of running k6')
    .action(async (opts: LoadOptions) => {
      process.exitCode = await load(opts);
    });
}

async function load(opts: LoadOptions): Promise<number> {
  if (opts.engine !== 'embedded' && opts.engine !== 'k6') throw new CliError(`--engine: expected embedded or k6, got "${opts.engine}"`);
  const workers = positive('--gateway-workers', opts.gatewayWorkers);
  const scenario = applyOverrides(loadScenario(opts.scenario), opts);
  const targets = opts.compare ? opts.compare.split(',').map((t) => t.trim()).filter(Boolean) : [opts.target];
  if (targets.length === 0) throw new CliError('--compare: expected target names separated by commas');
  const unknown = targets.find((t) => !/^https?:\/\//i.test(t) && !(LOAD_TARGET_NAMES as readonly string[]).includes(t));
  if (unknown) throw new CliError(`unknown target "${unknown}"${didYouMean(unknown, LOAD_TARGET_NAMES)}; use one of ${LOAD_TARGET_NAMES.join(', ')} or an http(s) URL`);
  if (opts.engine === 'k6' && targets.length > 1) throw new CliError('--compare runs the embedded engine only');
  if (opts.k6Manifest && opts.engine !== 'k6') throw new CliError('--k6-manifest needs --engine k6');
  const k6 = opts.engine === 'k6' && !opts.k6Manifest ? findPeerBinary('k6') : undefined;
  if (opts.engine === 'k6' && !opts.k6Manifest && !k6) {
    throw new CliError('k6 is not installed (https://grafana.com/docs/k6/latest/set-up/install-k6/); use --engine embedded, or --k6-manifest FILE for k6-operator');
  }

  const env = await startLoadEnvironment({ idpUrl: opts.idp, adminToken: opts.adminToken, gatewayWorkers: workers });
  const results: Array<{ target: string; result: LoadResult }> = [];
  let exit = 0;
  try {
    for (const name of targets) {
      const target = await env.startTarget(name);
      try {
        const dir = mkdtempSync(join(tmpdir(), `gatecheck-load-${scenario.name}-`));
        const { planFile, pools } = await preparePlan({ scenario, targetUrl: target.url, control: env.control, source: env.source, dir, log: (l) => process.stderr.write(`load: ${l}\n`) });
        if (opts.engine === 'k6') {
          if (opts.k6Manifest) {
            writeFileSync(resolve(opts.k6Manifest), k6OperatorManifest({ planFile, targetUrl: /^https?:/.test(opts.target) ? opts.target : undefined, idpUrl: opts.idp }));
            process.stdout.write(`wrote ${resolve(opts.k6Manifest)} (plan and pools: ${dir}); kubectl apply -f it where k6-operator runs\n`);
            return 0;
          }
          return await runK6(k6!, planFile, dir);
        }
        const progress = loadProgress();
        const result = await runScenario({ url: target.url, scenario, pools, control: env.control, onProgress: (p) => progress.update(p) }).finally(() => progress.done());
        process.stdout.write(formatLoadSummary(result, target.notes));
        results.push({ target: name, result });
        if (!result.passed) exit = 1;
        await writeOutputs(result, opts, targets.length > 1 ? name : undefined, target.notes);
      } finally {
        await target.stop();
      }
    }
  } finally {
    await env.stop();
  }
  if (results.length > 1) process.stdout.write(compareTable(results));
  return exit;
}

async function writeOutputs(result: LoadResult, opts: LoadOptions, suffix: string | undefined, notes: string[]): Promise<void> {
  const path = (file: string) => resolve(suffix ? file.replace(/(\.[a-z]+)?$/, (ext) => `-${suffix.replace(/[^a-z0-9.-]+/gi, '_')}${ext}`) : file);
  if (opts.json) writeFileSync(path(opts.json), JSON.stringify(result, null, 2));
  if (opts.html) writeFileSync(path(opts.html), loadHtmlReport(result, notes));
  if (opts.png) {
    const png = await loadPng(result);
    if (png) writeFileSync(path(opts.png), png);
    else process.stderr.write('load: --png skipped: the optional dependency @resvg/resvg-js is not installed (npm install @resvg/resvg-js)\n');
  }
}

function compareTable(results: Array<{ target: string; result: LoadResult }>): string {
  const base = results[0].result;
  const lines = ['', `compare (× ${results[0].target}):`, `  ${'target'.padEnd(32)} ${'req/s'.padStart(10)} ${'×'.padStart(6)} ${'p50 ms'.padStart(8)} ${'×'.padStart(6)} ${'p99 ms'.padStart(8)} ${'×'.padStart(6)} errors`];
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '');
  for (const { target, result: r } of results) {
    lines.push(
      `  ${target.padEnd(32)} ${r.requests.perSecond.toFixed(0).padStart(10)} ${ratio(r.requests.perSecond, base.requests.perSecond).padStart(6)} ${r.latency.p50Ms.toFixed(2).padStart(8)} ${ratio(r.latency.p50Ms, base.latency.p50Ms).padStart(6)} ${r.latency.p99Ms.toFixed(2).padStart(8)} ${ratio(r.latency.p99Ms, base.latency.p99Ms).padStart(6)} ${r.errors}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function runK6(binary: string, planFile: string, dir: string): Promise<number> {
  const summary = join(dir, 'k6-summary.json');
  return new Promise((done) => {
    const child = execFile(binary, ['run', '-e', `GATECHECK_PLAN=${planFile}`, '-e', `GATECHECK_SUMMARY=${summary}`, K6_SCRIPT], { maxBuffer: 64 << 20 }, (error) => {
      process.stdout.write(`k6 summary: ${summary}\n`);
      // k6 exits 99 when a threshold fails: that is a failed run, not a broken one.
      done(error ? ((error as { code?: unknown }).code === 99 ? 1 : 2) : 0);
    });
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  });
}
