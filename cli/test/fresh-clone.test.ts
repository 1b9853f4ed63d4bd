import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/*
 * The README's quick start, followed in a fresh clone of this repository (HEAD; uncommitted changes are
 * not part of a clone): `npm install`, `npm start`, `npx gatecheck --version` and the walkthrough against
 * the demo gateway, each line read from the README's fenced blocks so the README and this test cannot
 * drift. The walkthrough's fixed ports are swapped for free ones, the only liberty taken with the text.
 */

const TOTAL_MS = 300_000;
const README_PORTS = { idp: 9400, gateway: 8080, upstream: 9480 } as const;
const EXAMPLE_PROFILE = 'fixtures/targets/example-gateway.profile.yaml';

interface Ran {
  line: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
  timedOut: boolean;
}

interface Job {
  line: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Every process group this file started and that has not exited yet; afterAll ends them whatever happened. */
const live = new Set<ChildProcess>();
let deadline = Date.now() + TOTAL_MS;
let temp = '';
let clone = '';

/**
 * The environment of someone at a terminal, not of the `npm test` running this file: npm's lifecycle
 * variables and the project's node_modules/.bin (which would put the repository's own Node 22 first and
 * hide what the system Node does with `npx`) are dropped; the user's npm config (cache, registry) stays.
 * The install is told to use the warm cache the way a user would with flags.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_execpath$|npm_node_execpath$|npm_command$|init_cwd$|vitest|node_env$|node_options$)/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => p && !p.split(/[\\/]/).includes('node_modules')).join(delimiter);
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}
const ENV = userEnv();

function remaining(stepMs: number): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`the fresh-clone test ran out of its ${TOTAL_MS / 1000} s budget`);
  return Math.min(stepMs, left);
}

/** Ends a process group (npm exec → sh → node), as `kill %1` does in an interactive shell. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Runs one command to its end in its own process group, bounded; the group is killed on timeout. */
async function runToEnd(line: string, argv: string[], cwd: string, stepMs: number, { withinBudget = true } = {}): Promise<Ran> {
  const timeoutMs = withinBudget ? remaining(stepMs) : stepMs;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let output = '';
    let timedOut = false;
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`cannot start "${line}": ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ line, code, signal, output, ms: Date.now() - started, timedOut });
    });
  });
}

/** Fails with the command, its exit and the end of its output, so a red run says what went wrong. */
function expectSuccess(r: Ran): void {
  const what = r.timedOut ? 'timed out' : r.signal ? `was killed by ${r.signal}` : `exited ${r.code}`;
  expect(r.code, `"${r.line}" ${what} after ${r.ms} ms; its output ends:\n${r.output.slice(-3000)}`).toBe(0);
}

function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  const listen = () =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      servers.push(s);
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
    });
  // All held at once so they differ; closed before use (a short window, as with any free-port probe).
  return Promise.all(Array.from({ length: n }, listen)).finally(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

interface QuickStart {
  /** The text of the section, for the values it quotes. */
  text: string;
  /** The first fenced block: clone, install, start, version. */
  setup: string[];
  /** The second: the walkthrough against the demo gateway. */
  walkthrough: string[];
}

function quickStart(readme: string): QuickStart {
  const text = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!text) throw new Error('README.md has no "## Quick start" section followed by another "## " section');
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) =>
    m[1]
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
  if (blocks.length !== 2) throw new Error(`README.md's quick start should have two \`\`\`sh blocks (setup, walkthrough); it has ${blocks.length}`);
  return { text, setup: blocks[0], walkthrough: blocks[1] };
}

interface Step {
  line: string;
  argv: string[];
  /** `> FILE 2>&1`: both streams to FILE, in the clone. */
  logFile?: string;
  background: boolean;
}

/** The subset of shell the quick start uses: plain words, `> FILE 2>&1`, a trailing `&`. Anything more fails here, naming the line. */
function parseStep(line: string): Step {
  const m = /^(.*?)(?:\s+>\s*(\S+)\s+2>&1)?(\s+&)?$/.exec(line)!;
  const argv = m[1].split(/\s+/);
  if (argv.some((w) => /[|;<>&$`'"\\(){}*?]/.test(w))) {
    throw new Error(`README quick start line "${line}" uses shell syntax this test does not run (keep to plain words, "> FILE 2>&1" and a trailing "&")`);
  }
  return { line, argv, logFile: m[2], background: Boolean(m[3]) };
}

/** The README's ports and example profile swapped for this run's (free ports; a profile whose issuer names the IdP's port). */
function localise(step: Step, ports: Record<keyof typeof README_PORTS, number>, profile: string): Step {
  const swap = (w: string) => {
    for (const key of Object.keys(README_PORTS) as (keyof typeof README_PORTS)[]) {
      w = w.replaceAll(`127.0.0.1:${README_PORTS[key]}`, `127.0.0.1:${ports[key]}`);
    }
    return w === EXAMPLE_PROFILE ? profile : w;
  };
  const argv = step.argv.map((w, i) => {
    if (step.argv[i - 1] === '--port') {
      const key = (Object.keys(README_PORTS) as (keyof typeof README_PORTS)[]).find((k) => String(README_PORTS[k]) === w);
      if (!key) throw new Error(`README quick start line "${step.line}": --port ${w} is not one of the walkthrough's ports ${Object.values(README_PORTS).join(', ')}`);
      return String(ports[key]);
    }
    return swap(w);
  });
  const sub = argv.slice(0, 3).join(' ');
  // The demo gateway's metrics port (9464) and run's echo upstream (9480) have flags of their own; other tests may hold the defaults.
  if (sub === 'npx gatecheck gateway') argv.push('--admin-port', '0');
  if (sub === 'npx gatecheck run') argv.push('--upstream-port', String(ports.upstream));
  const left = argv.find((w) => Object.values(README_PORTS).some((p) => new RegExp(`(^|\\D)${p}(\\D|$)`).test(w)));
  if (left) throw new Error(`README quick start line "${step.line}": "${left}" still names a fixed port after localising; teach this test the new port`);
  return { ...step, argv };
}

function reportDirs(): Set<string> {
  const dir = join(clone, 'reports');
  return new Set(existsSync(dir) ? readdirSync(dir) : []);
}

/** The one reports/<timestamp>/ a command wrote, with a report.json whose summary is returned. */
function newReport(before: Set<string>): { dir: string; summary: Record<string, number>; target: { name: string; baseUrl: string } } {
  const added = [...reportDirs()].filter((d) => !before.has(d));
  expect(added, 'one new directory under reports/').toHaveLength(1);
  const dir = join(clone, 'reports', added[0]);
  expect(added[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
  for (const f of ['report.json', 'junit.xml', 'report.html']) expect(existsSync(join(dir, f)), `${f} in ${dir}`).toBe(true);
  expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites[\s>]/);
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  return { dir, summary: report.summary, target: report.target };
}

function gitStatus(): Promise<Ran> {
  return runToEnd('git status --porcelain', ['git', 'status', '--porcelain', '--untracked-files=all'], clone, 15_000);
}

/** `npx` in a project links the project into npm's cache (`_npx/<hash>`); the one naming this clone is this test's to remove. */
async function removeNpxLink(): Promise<void> {
  const r = await runToEnd('npm config get cache', ['npm', 'config', 'get', 'cache'], temp, 15_000, { withinBudget: false }).catch(() => undefined);
  const npxDir = join(r?.code === 0 ? r.output.trim() : join(homedir(), '.npm'), '_npx');
  if (!existsSync(npxDir)) return;
  for (const entry of readdirSync(npxDir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(npxDir, entry, 'package.json'), 'utf8'));
      if ((pkg._npx?.packages ?? []).includes(clone)) rmSync(join(npxDir, entry), { recursive: true, force: true });
    } catch {
      // not an npx link dir
    }
  }
}

let qs: QuickStart;
let installed = false;
const npxOutputs: Ran[] = [];

beforeAll(async () => {
  deadline = Date.now() + TOTAL_MS;
  const here = dirname(fileURLToPath(import.meta.url));
  const top = await runToEnd('git rev-parse --show-toplevel', ['git', 'rev-parse', '--show-toplevel'], here, 15_000);
  if (top.code !== 0) throw new Error(`this test clones the repository it lives in, but ${here} is not inside a git checkout: ${top.output.trim()}`);
  temp = realpathSync(mkdtempSync(join(tmpdir(), 'gatecheck-fresh-clone-')));
  clone = join(temp, 'gatecheck');
  const cloned = await runToEnd('git clone', ['git', 'clone', '--quiet', top.output.trim(), clone], temp, 60_000);
  expectSuccess(cloned);
  qs = quickStart(readFileSync(join(clone, 'README.md'), 'utf8'));
}, 90_000);

afterAll(async () => {
  for (const child of live) signalGroup(child, 'SIGTERM');
  await Promise.race([Promise.all([...live].map(exitOf)), new Promise((r) => setTimeout(r, 5_000))]);
  for (const child of live) signalGroup(child, 'SIGKILL');
  await Promise.race([Promise.all([...live].map(exitOf)), new Promise((r) => setTimeout(r, 2_000))]);
  if (temp) {
    await removeNpxLink();
    rmSync(temp, { recursive: true, force: true });
  }
}, 60_000);

describe('the README quick start, in a fresh clone', () => {
  test('clone, then npm install as the README says: tracked files, the lock file and file modes unchanged; Node 22 installed', async () => {
    expect(qs.setup[0]).toMatch(/^git clone \S+ gatecheck && cd gatecheck$/);
    expect(qs.setup).toContain('npm install');
    const install = await runToEnd('npm install', parseStep('npm install').argv, clone, 240_000);
    expectSuccess(install);
    installed = true;
    const status = await gitStatus();
    expectSuccess(status);
    // A changed package-lock.json or file mode (cli/gatecheck.ts) would show here: a fresh clone must stay clean.
    expect(status.output, 'git status after npm install').toBe('');
    const node = await runToEnd('node_modules/.bin/node --version', [join(clone, 'node_modules', '.bin', 'node'), '--version'], clone, 15_000);
    expectSuccess(node);
    expect(node.output.trim()).toMatch(/^v22\.(1[89]|[2-9]\d)\./);
  }, 250_000);

  test('every other line of the setup block exits 0: npm start writes the reports, npx gatecheck --version prints the version', async () => {
    expect(installed, 'npm install succeeded').toBe(true);
    expect(qs.setup).toEqual(expect.arrayContaining(['npm start', 'npx gatecheck --version']));
    const version = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).version as string;
    for (const line of qs.setup.slice(1).filter((l) => l !== 'npm install')) {
      const step = parseStep(line);
      expect(step.background, `"${line}" runs in the foreground`).toBe(false);
      const before = reportDirs();
      const r = await runToEnd(line, step.argv, clone, 150_000);
      expectSuccess(r);
      if (step.argv[0] === 'npx') npxOutputs.push(r);
      if (line === 'npm start') {
        // Long work shows progress: a numbered line per case while it runs.
        expect(r.output).toMatch(/^\[\s*1\/\d+\] /m);
        const { summary } = newReport(before);
        expect(summary.total).toBeGreaterThan(200);
        expect(summary.blockingFailed).toBe(0);
        expect(summary.error).toBe(0);
      } else if (line === 'npx gatecheck --version') {
        expect(r.output.split('\n').filter(Boolean)).toEqual([version]);
      }
    }
  }, 200_000);

  test('the walkthrough: mock IdP and demo gateway in the background, run against them exits 0 and writes the reports; kill stops both', async () => {
    expect(installed, 'npm install succeeded').toBe(true);
    const steps = qs.walkthrough.map(parseStep);
    const [idpPort, gatewayPort, upstreamPort] = await freePorts(3);
    const ports = { idp: idpPort, gateway: gatewayPort, upstream: upstreamPort };
    // Step 3 of the quick start: a copy of the example profile, edited for where the mock IdP runs (outside the clone, like a user's own file would be anywhere).
    const example = readFileSync(join(clone, EXAMPLE_PROFILE), 'utf8');
    const profile = join(temp, 'my-gateway.yaml');
    writeFileSync(profile, example.replaceAll(`127.0.0.1:${README_PORTS.idp}`, `127.0.0.1:${idpPort}`));

    const subcommands = steps.map((s) => s.argv.slice(0, 3).join(' '));
    expect(steps.filter((s) => s.background).map((s) => s.argv.slice(0, 3).join(' '))).toEqual(['npx gatecheck idp', 'npx gatecheck gateway']);
    expect(subcommands).toContain('npx gatecheck run');
    expect(steps.find((s) => s.argv[2] === 'run')!.argv).toEqual(expect.arrayContaining(['--profile', EXAMPLE_PROFILE]));
    expect(steps.at(-1)!.line).toMatch(/^kill( %\d+)+$/);

    const jobs: Job[] = [];
    let runReport: ReturnType<typeof newReport> | undefined;
    for (const raw of steps) {
      if (/^kill( %\d+)+$/.test(raw.line)) {
        for (const n of raw.line.split(' ').slice(1).map((j) => Number(j.slice(1)))) {
          const job = jobs[n - 1];
          expect(job, `"${raw.line}": job %${n} exists`).toBeDefined();
          signalGroup(job.child, 'SIGTERM');
          const stopped = await Promise.race([job.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
          expect(stopped, `"${job.line}" stopped within 10 s of SIGTERM`).toBe(true);
        }
        continue;
      }
      const step = localise(raw, ports, profile);
      if (step.background) {
        const fd = step.logFile ? openSync(join(clone, step.logFile), 'w') : 'ignore';
        const child = spawn(step.argv[0], step.argv.slice(1), { cwd: clone, env: ENV, detached: true, stdio: ['ignore', fd, fd] });
        if (typeof fd === 'number') closeSync(fd);
        live.add(child);
        const exited = exitOf(child).then(() => void live.delete(child));
        jobs.push({ line: raw.line, child, exited });
        continue;
      }
      const before = reportDirs();
      const r = await runToEnd(raw.line, step.argv, clone, 120_000);
      if (r.code !== 0) {
        // A server that died explains more than the command that then failed.
        const logs = steps.filter((s) => s.logFile).map((s) => `--- ${s.logFile}\n${readFileSync(join(clone, s.logFile!), 'utf8').slice(-2000)}`);
        expectSuccess({ ...r, output: `${r.output}\n${logs.join('\n')}` });
      }
      if (step.argv[0] === 'npx') npxOutputs.push(r);
      if (step.argv.slice(0, 3).join(' ') === 'npx gatecheck run') {
        runReport = newReport(before);
        for (const path of ['report.json', 'junit.xml', 'report.html']) expect(r.output).toContain(`Report: ${join(runReport.dir, path)}`);
      }
    }

    expect(runReport, 'npx gatecheck run wrote a report').toBeDefined();
    expect(runReport!.target).toMatchObject({ name: 'my-gateway', baseUrl: `http://127.0.0.1:${gatewayPort}` });
    expect(runReport!.summary.blockingFailed).toBe(0);
    expect(runReport!.summary.error).toBe(0);
    // The cases reached the demo gateway and were judged, not skipped for want of a contract.
    expect(runReport!.summary.pass).toBeGreaterThan(runReport!.summary.total / 2);

    // The issuer and JWKS the quick start tells people to configure are the ones the mock IdP prints.
    const idpLog = readFileSync(join(clone, steps.find((s) => s.argv[2] === 'idp')!.logFile!), 'utf8');
    const quoted = (label: string) => new RegExp(`${label} \`(http[^\`]+)\``).exec(qs.text)?.[1];
    for (const label of ['issuer', 'JWKS']) {
      const url = quoted(label);
      expect(url, `the quick start quotes the ${label} URL`).toBeDefined();
      expect(idpLog).toContain(url!.replace(`127.0.0.1:${README_PORTS.idp}`, `127.0.0.1:${idpPort}`));
    }
    expect(example).toContain(`issuer: ${quoted('issuer')}`);
    const audience = /audience\s+`([^`]+)`/.exec(qs.text)?.[1];
    expect(audience, 'the quick start quotes the audience').toBeDefined();
    expect(example).toContain(`audiences: [${audience}]`);

    for (const port of [idpPort, gatewayPort, upstreamPort]) expect(await refusesConnections(port), `port ${port} free after the walkthrough`).toBe(true);
  }, 200_000);

  test('npx prints no EBADENGINE on the system Node, and the clone is still clean (reports and logs are git-ignored)', async () => {
    expect(npxOutputs.map((r) => r.line)).toEqual(expect.arrayContaining(['npx gatecheck --version', expect.stringMatching(/^npx gatecheck run /)]));
    for (const r of npxOutputs) expect(r.output, r.line).not.toMatch(/EBADENGINE/);
    expect(readdirSync(join(clone, 'reports')).length).toBeGreaterThanOrEqual(2);
    const status = await gitStatus();
    expectSuccess(status);
    expect(status.output, 'git status at the end').toBe('');
  }, 30_000);
});
