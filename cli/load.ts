import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { findPeerBinary } from '../gateway-under-test/index.ts';
import {
  formatLoadSummary,
  k6OperatorManifest,
  K6_SCRIPT,
  K6_VERSION_NOTE,
  k6RunArguments,
  LOAD_TARGET_NAMES,
  loadHtmlReport,
  loadPng,
  loadProgress,
  loadScenario,
  mintProgress,
  planExpiry,
  preparePlan,
  runScenario,
  startLoadEnvironment,
  type LoadResult,
  type Scenario,
} from '../load/index.ts';
import { didYouMean } from '../suites/harness/did-you-mean.ts';
import { idpDriver } from '../suites/harness/idp-driver.ts';
import { beginIdpSession, type IdpSession } from '../suites/harness/idp-session.ts';
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
  report?: string;
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
    .option('--report <dir>', 'where report.json and report.html go (default reports/load-<scenario>-<timestamp>; with --engine k6, k6-summary.json)')
    .option('--json <file>', 'also write the result as JSON to this file')
    .option('--html <file>', 'also write the self-contained HTML report to this file')
    .option('--png <file>', 'write the charts as PNG (needs the optional @resvg/resvg-js)')
    .option('--compare <targets>', 'run against several targets back to back and print ratios, e.g. reference,haproxy')
    .option('--idp <url>', 'a running mock IdP (gatecheck idp) the target trusts; default: one in process')
    .option('--admin-token <token>', "the mock IdP's control API token, if it has one")
    .option('--gateway-workers <n>', 'reference gateway worker processes; 1 serves it from this process, sharing the engine\'s event loop', '2')
    .option('--k6-manifest <file>', 'with --engine k6, --target URL and --idp URL the k6 pods can reach: write a k6-operator TestRun + ConfigMap instead of running k6')
    .action(async (opts: LoadOptions) => {
      process.exitCode = await load(opts);
    });
}

const isUrl = (text: string) => /^https?:\/\//i.test(text);

function httpUrl(flag: string, text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new CliError(`${flag}: expected an http(s) URL such as http://127.0.0.1:9400, got "${text}"`);
  return url;
}

/** 127.0.0.0/8, ::1, localhost and the unspecified address: this machine, wherever the URL is used. */
function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]' || host === '0.0.0.0' || host === '[::]';
}

/**
 * A manifest runs in a cluster after this command has exited, so everything it points at must
 * outlive the command and be reachable from the k6 pods. Checked before anything starts or is minted.
 */
function checkManifestInputs(opts: LoadOptions, scenario: Scenario): void {
  if (opts.report) throw new CliError('--report: with --k6-manifest nothing runs here, so there is no report; k6-operator keeps the results. Drop --report');
  if (!isUrl(opts.target)) {
    const idp = opts.idp ? '' : ', as would the in-process mock IdP';
    throw new CliError(`--k6-manifest: --target ${opts.target} would start here and be gone when this command exits${idp}; pass --target URL of a gateway the k6 pods can reach and --idp URL of a running mock IdP (gatecheck idp) that gateway trusts`);
  }
  if (isLoopback(httpUrl('--target', opts.target))) {
    throw new CliError(`--k6-manifest: --target ${opts.target} is a loopback address, and in a k6-operator pod loopback is the pod itself; pass --target URL of the gateway as the pods reach it (e.g. http://gateway.my-namespace.svc:8080)`);
  }
  if (!opts.idp) {
    throw new CliError('--k6-manifest: without --idp the tokens are signed by a mock IdP inside this command whose keys are gone when it exits; pass --idp URL of a running mock IdP (gatecheck idp) the gateway trusts');
  }
  if (scenario.events.length > 0 && isLoopback(httpUrl('--idp', opts.idp))) {
    throw new CliError(`--k6-manifest: scenario ${scenario.name} has the k6 pods call the mock IdP's control API (${[...new Set(scenario.events.map((e) => e.action))].join(', ')}), and --idp ${opts.idp} is a loopback address they cannot reach; pass --idp URL of the mock as both this machine and the pods reach it`);
  }
}

/** An output path the user named: refused now, before a run, if it can never be written. */
function checkOutputPath(flag: string, path: string, kind: 'file' | 'dir'): void {
  const full = resolve(path);
  if (existsSync(full)) {
    const isDir = statSync(full).isDirectory();
    if (kind === 'file' && isDir) throw new CliError(`${flag} ${path}: is a directory; give a file name`);
    if (kind === 'dir' && !isDir) throw new CliError(`${flag} ${path}: is a file, not a directory; give a directory (it is created if missing)`);
    return;
  }
  let parent = dirname(full);
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new CliError(`${flag} ${path}: ${parent} is a file, so nothing can be created under it; choose another path`);
}

const safeName = (name: string) => name.replace(/^https?:\/\//i, '').replace(/[^a-z0-9.-]+/gi, '_').replace(/^[._]+|_+$/g, '') || 'target';

/** A directory that did not exist before: `base`, or `base-2`, `base-3`… if a run in the same millisecond took it. */
function newDirectory(base: string): string {
  mkdirSync(dirname(base), { recursive: true });
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Writes a report file, creating its directory; says so when it replaced an earlier file. */
function writeReportFile(path: string, data: string | Buffer, label = 'Report'): string {
  const existed = existsSync(path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return `${label}: ${path}${existed ? ' (replaced the file that was there)' : ''}`;
}

async function load(opts: LoadOptions): Promise<number> {
  if (opts.engine !== 'embedded' && opts.engine !== 'k6') throw new CliError(`--engine: expected embedded or k6, got "${opts.engine}"`);
  const workers = positive('--gateway-workers', opts.gatewayWorkers);
  const scenario = applyOverrides(loadScenario(opts.scenario), opts);
  const targets = opts.compare ? opts.compare.split(',').map((t) => t.trim()).filter(Boolean) : [opts.target];
  if (targets.length === 0) throw new CliError('--compare: expected target names separated by commas');
  const unknown = targets.find((t) => !isUrl(t) && !(LOAD_TARGET_NAMES as readonly string[]).includes(t));
  if (unknown) throw new CliError(`unknown target "${unknown}"${didYouMean(unknown, LOAD_TARGET_NAMES)}; use one of ${LOAD_TARGET_NAMES.join(', ')} or an http(s) URL`);
  for (const t of targets.filter(isUrl)) httpUrl(opts.compare ? '--compare' : '--target', t);
  if (opts.idp) httpUrl('--idp', opts.idp);
  if (opts.engine === 'k6' && targets.length > 1) throw new CliError('--compare runs the embedded engine only');
  if (opts.k6Manifest && opts.engine !== 'k6') throw new CliError('--k6-manifest needs --engine k6');
  if (opts.engine === 'k6') {
    const given = (['json', 'html', 'png'] as const).filter((k) => opts[k]).map((k) => `--${k}`);
    if (given.length) throw new CliError(`${given.join(', ')}: the embedded engine's reports; k6 writes its own summary (k6-summary.json in the report directory). Drop ${given.join(', ')} or use --engine embedded`);
  }
  if (opts.k6Manifest) checkManifestInputs(opts, scenario);
  if (opts.report) checkOutputPath('--report', opts.report, 'dir');
  for (const [flag, file] of [['--json', opts.json], ['--html', opts.html], ['--png', opts.png], ['--k6-manifest', opts.k6Manifest]] as const) {
    if (file) checkOutputPath(flag, file, 'file');
  }
  let k6: { binary: string; args: string[] } | undefined;
  if (opts.engine === 'k6' && !opts.k6Manifest) {
    const binary = findPeerBinary('k6');
    if (!binary) throw new CliError(`k6 is not installed (${K6_VERSION_NOTE}; https://grafana.com/docs/k6/latest/set-up/install-k6/); use --engine embedded, or --k6-manifest FILE for k6-operator`);
    let version: string;
    try {
      version = execFileSync(binary, ['version'], { encoding: 'utf8', timeout: 10_000 });
    } catch (error) {
      throw new CliError(`${binary} version failed (${(error as Error).message.split('\n')[0]}); check that k6 runs, or use --engine embedded`);
    }
    k6 = { binary, args: k6RunArguments(version) };
  }

  // Under --compare each target's files get its name, made unique when a target is listed twice.
  const used = new Set<string>();
  const labels = targets.map((t) => {
    let label = safeName(t);
    for (let n = 2; used.has(label); n++) label = `${safeName(t)}-${n}`;
    used.add(label);
    return label;
  });
  // Named like `gatecheck run`'s reports/<timestamp>, and always a new directory.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let reportRoot: string | undefined;
  const reportDir = (label?: string): string => {
    reportRoot ??= opts.report ? resolve(opts.report) : newDirectory(resolve('reports', `load-${safeName(scenario.name)}-${stamp}`));
    const dir = label ? join(reportRoot, label) : reportRoot;
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const log = (line: string) => process.stderr.write(`load: ${line}\n`);
  if (!opts.idp) log('starting the mock IdP');
  const env = await startLoadEnvironment({ idpUrl: opts.idp, adminToken: opts.adminToken, gatewayWorkers: workers });
  const results: Array<{ target: string; result: LoadResult }> = [];
  let exit = 0;
  // The user's own mock gets its keys, clock and faults back when the run ends (not a manifest's: its events run later, in the cluster).
  // The same session `gatecheck run` keeps, so Ctrl-C restores too.
  const sessions: IdpSession[] = [];
  try {
    if (opts.idp && !opts.k6Manifest && scenario.events.length > 0) {
      const tenants = [...new Set(scenario.events.map((e) => e.tenant))];
      for (const tenant of tenants) sessions.push(await beginIdpSession(idpDriver(opts.idp, tenant, { adminToken: opts.adminToken })));
      log(`checkpointed ${tenants.join(', ')} on ${opts.idp}; restored when the run ends`);
    }
    for (const [i, name] of targets.entries()) {
      const label = targets.length > 1 ? labels[i] : undefined;
      if (!isUrl(name)) log(`starting ${name === 'reference' ? `the reference gateway (${workers} worker(s))` : name}`);
      const target = await env.startTarget(name);
      const planDir = mkdtempSync(join(tmpdir(), `gatecheck-load-${safeName(scenario.name)}-`));
      try {
        const minting = mintProgress();
        const { planFile, pools } = await preparePlan({
          scenario,
          targetUrl: target.url,
          control: env.control,
          source: env.source,
          dir: planDir,
          log: (line) => minting.line(line),
          onMintProgress: (p) => minting.update(p),
        }).finally(() => minting.done());
        if (opts.k6Manifest) {
          const file = resolve(opts.k6Manifest);
          const line = writeReportFile(file, k6OperatorManifest({ planFile, targetUrl: opts.target, idpUrl: opts.idp }), 'Manifest');
          const expiry = planExpiry(planFile);
          process.stdout.write(`${line}\nkubectl apply -f it where k6-operator runs${expiry ? `, before ${expiry} when its valid tokens expire` : ''}.\n`);
          return 0;
        }
        if (k6) return await runK6(k6, planFile, join(reportDir(), 'k6-summary.json'));
        const progress = loadProgress();
        const result = await runScenario({ url: target.url, scenario, pools, control: env.control, onProgress: (p) => progress.update(p) }).finally(() => progress.done());
        process.stdout.write(formatLoadSummary(result, target.notes));
        results.push({ target: name, result });
        if (!result.passed) exit = 1;
        const lines = await writeOutputs(result, opts, reportDir(label), label, target.notes);
        process.stdout.write(lines.map((l) => `${l}\n`).join(''));
      } finally {
        rmSync(planDir, { recursive: true, force: true });
        await target.stop();
      }
    }
  } finally {
    try {
      for (const session of sessions.splice(0).reverse()) await session.end();
    } finally {
      await env.stop();
    }
  }
  if (results.length > 1) process.stdout.write(compareTable(results));
  return exit;
}

/**
 * report.json and report.html in the run's report directory, then the files named with --json,
 * --html and --png (suffixed with the target under --compare). Returns the lines that name them.
 */
async function writeOutputs(result: LoadResult, opts: LoadOptions, dir: string, suffix: string | undefined, notes: string[]): Promise<string[]> {
  const path = (file: string) => resolve(suffix ? file.replace(/(\.[a-z]+)?$/, (ext) => `-${suffix}${ext}`) : file);
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const html = loadHtmlReport(result, notes);
  const lines = [writeReportFile(join(dir, 'report.json'), json), writeReportFile(join(dir, 'report.html'), html)];
  if (opts.json) lines.push(writeReportFile(path(opts.json), json));
  if (opts.html) lines.push(writeReportFile(path(opts.html), html));
  if (opts.png) {
    const png = await loadPng(result);
    if (png) lines.push(writeReportFile(path(opts.png), png));
    else process.stderr.write('load: --png skipped: the optional dependency @resvg/resvg-js is not installed (npm install @resvg/resvg-js)\n');
  }
  return lines;
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

function runK6(k6: { binary: string; args: string[] }, planFile: string, summary: string): Promise<number> {
  return new Promise((done) => {
    const child = execFile(k6.binary, ['run', ...k6.args, '-e', `GATECHECK_PLAN=${planFile}`, '-e', `GATECHECK_SUMMARY=${summary}`, K6_SCRIPT], { maxBuffer: 64 << 20 }, (error) => {
      if (existsSync(summary)) process.stdout.write(`Report: ${summary} (k6's summary)\n`);
      // k6 exits 99 when a threshold fails: that is a failed run, not a broken one.
      done(error ? ((error as { code?: unknown }).code === 99 ? 1 : 2) : 0);
    });
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  });
}
