import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/gatecheck.ts';
import { runCli } from '../../cli/test/support/run-cli.ts';
import { findPeerBinary } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { K6_VERSION_NOTE, type LoadResult } from '../index.ts';

const root = mkdtempSync(join(tmpdir(), 'gatecheck-load-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 1.5 s open-model run: a partial last second, two pools so grading shows, a few tokens to mint. */
const TINY = {
  name: 'tiny',
  description: 'two valid tokens and a forged one',
  tokens: [{ variant: 'valid', count: 2, weight: 3 }, { variant: 'alg-none', count: 1, weight: 1 }],
  load: { model: 'open', rate: 100 },
  durationSeconds: 1.5,
};

let n = 0;
/**
 * A fresh working directory (where default reports land) and a fresh TMPDIR (where a plan and its
 * token pools are minted): after a refusal both must still be empty.
 */
function sandbox(): { cwd: string; tmp: string; scenario: string } {
  const base = join(root, `run-${++n}`);
  const cwd = join(base, 'cwd');
  const tmp = join(base, 'tmp');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(tmp);
  const scenario = join(base, 'tiny.json');
  writeFileSync(scenario, JSON.stringify(TINY));
  return { cwd, tmp, scenario };
}

/** Runs `gatecheck load …` as its own process, bounded in time, with its temp files in the box. */
async function gatecheck(args: string[], box: { cwd: string; tmp: string }, timeoutMs = 25_000): Promise<{ code: number | null; out: string; err: string }> {
  const r = await runCli(['load', ...args], { cwd: box.cwd, env: { TMPDIR: box.tmp }, timeoutMs });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** The points of one series (by its stroke colour) in an SVG chart. */
function seriesPoints(svg: string, color: string): Array<[number, number]> {
  const d = new RegExp(`<path d="([^"]+)" fill="none" stroke="${color}"`).exec(svg)?.[1];
  expect(d, `a path stroked ${color}`).toBeDefined();
  return [...d!.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Runs `gatecheck …` in this process (quick, for refusals that happen while reading the flags). */
async function inProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

describe('gatecheck load: bad flags are one line and exit 2', () => {
  it.each([
    [['--scenario', 'no-such-scenario'], /unknown scenario "no-such-scenario"; use one of .*rotation/],
    [['--scenario', 'mixed', '--duration', 'soon'], /--duration: expected/],
    [['--scenario', 'mixed', '--rate', '-3'], /--rate: expected a positive number/],
    [['--scenario', 'mixed', '--engine', 'jmeter'], /--engine: expected embedded or k6/],
    [['--scenario', 'mixed', '--target', 'nginx'], /unknown target "nginx"/],
    [['--scenario', 'saturation', '--connections', '4'], /saturation scenario steps an arrival rate/],
    [['--scenario', 'mixed', '--idp', 'localhost:9400'], /--idp: expected an http\(s\) URL/],
    [['--scenario', 'mixed', '--engine', 'k6', '--json', 'r.json'], /--json: the embedded engine's reports; k6 writes its own summary/],
    [['--scenario', 'mixed', '--k6-manifest', 'm.yaml'], /--k6-manifest needs --engine k6/],
  ])('refuses %j', async (args, message) => {
    const r = await inProcess('load', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});

describe('gatecheck load --k6-manifest: a target or IdP the k6 pods cannot reach is refused before anything starts or is minted', () => {
  const refusals: Array<[string, string[], RegExp]> = [
    [
      'the embedded reference target',
      ['--scenario', 'mixed', '--engine', 'k6', '--k6-manifest', 'm.yaml'],
      /--target reference would start here and be gone when this command exits, as would the in-process mock IdP; pass --target URL of a gateway the k6 pods can reach and --idp URL of a running mock IdP/,
    ],
    ['haproxy started here', ['--scenario', 'mixed', '--engine', 'k6', '--k6-manifest', 'm.yaml', '--target', 'haproxy', '--idp', 'http://mock-idp.test:9400'], /--target haproxy would start here and be gone when this command exits; pass --target URL/],
    ...['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'https://127.9.9.9'].map((url): [string, string[], RegExp] => [
      `the loopback target ${url}`,
      ['--scenario', 'mixed', '--engine', 'k6', '--k6-manifest', 'm.yaml', '--target', url, '--idp', 'http://mock-idp.test:9400'],
      /is a loopback address, and in a k6-operator pod loopback is the pod itself; pass --target URL of the gateway as the pods reach it/,
    ]),
    ['no --idp', ['--scenario', 'mixed', '--engine', 'k6', '--k6-manifest', 'm.yaml', '--target', 'http://gateway.test:8080'], /without --idp the tokens are signed by a mock IdP inside this command whose keys are gone when it exits/],
    [
      'events that would call a loopback IdP from the pods',
      ['--scenario', 'rotation', '--engine', 'k6', '--k6-manifest', 'm.yaml', '--target', 'http://gateway.test:8080', '--idp', 'http://127.0.0.1:9400'],
      /scenario rotation has the k6 pods call the mock IdP's control API \(rotate-keys\), and --idp http:\/\/127\.0\.0\.1:9400 is a loopback address they cannot reach/,
    ],
    ['--report', ['--scenario', 'mixed', '--engine', 'k6', '--k6-manifest', 'm.yaml', '--target', 'http://gateway.test:8080', '--idp', 'http://mock-idp.test:9400', '--report', 'out'], /--report: with --k6-manifest nothing runs here/],
  ];

  // Each in its own process, cwd and TMPDIR: exit 2, one line, no manifest, no plan minted.
  it.concurrent.each(refusals)('refuses %s', async (_what, args, message) => {
    const box = sandbox();
    const r = await gatecheck(args, box);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
    expect(readdirSync(box.cwd)).toEqual([]);
    expect(readdirSync(box.tmp)).toEqual([]);
  });
});

describe('gatecheck load: output paths and k6', () => {
  it('refuses output paths that can never be written: --json naming a directory, --report naming a file', async () => {
    const box = sandbox();
    mkdirSync(join(box.cwd, 'results'));
    writeFileSync(join(box.cwd, 'notes.txt'), 'mine');
    const dir = await gatecheck(['--scenario', 'mixed', '--json', 'results'], box);
    expect([dir.code, dir.err.trim()]).toEqual([2, 'gatecheck load: --json results: is a directory; give a file name']);
    const file = await gatecheck(['--scenario', 'mixed', '--report', 'notes.txt'], box);
    expect(file.code).toBe(2);
    expect(file.err.trim()).toBe('gatecheck load: --report notes.txt: is a file, not a directory; give a directory (it is created if missing)');
    expect(readFileSync(join(box.cwd, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(box.tmp)).toEqual([]);
  });

  it.skipIf(findPeerBinary('k6') !== undefined)('without k6 on PATH, --engine k6 says which k6 runs the TypeScript script', async () => {
    const box = sandbox();
    const r = await gatecheck(['--scenario', 'mixed', '--engine', 'k6'], box);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `gatecheck load: k6 is not installed (${K6_VERSION_NOTE}; https://grafana.com/docs/k6/latest/set-up/install-k6/); use --engine embedded, or --k6-manifest FILE for k6-operator`,
    );
    expect(readdirSync(box.tmp)).toEqual([]);
  });
});

describe('gatecheck load: reports', () => {
  it('writes report.json and a self-contained report.html under reports/load-<scenario>-<timestamp>/ by default, with progress on stderr', async () => {
    const box = sandbox();
    const r = await gatecheck(['--scenario', join(box.cwd, '..', 'tiny.json'), '--gateway-workers', '1'], box);
    expect(r.err).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/tiny → http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toContain('PASSED');
    // Long work shows progress: minting the pools, then the run itself.
    expect(r.err).toMatch(/^load: minted 2 valid token\(s\) in [\d.]+ s$/m);
    expect(r.err).toMatch(/^load: minted 1 alg-none token\(s\) in [\d.]+ s$/m);
    expect(r.err).toMatch(/^load: 1\/1\.5 s {2}\d+ responses/m);

    const [dir] = readdirSync(join(box.cwd, 'reports'));
    expect(dir).toMatch(/^load-tiny-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    const json = join(box.cwd, 'reports', dir, 'report.json');
    const html = join(box.cwd, 'reports', dir, 'report.html');
    expect(r.out).toContain(`Report: ${json}\nReport: ${html}\n`);
    expect(readdirSync(join(box.cwd, 'reports', dir)).sort()).toEqual(['report.html', 'report.json']);

    const result = JSON.parse(readFileSync(json, 'utf8')) as LoadResult;
    expect(result.format).toBe('gatecheck-load-result/1');
    expect(result.scenario.name).toBe('tiny');
    expect(result.requests.completed).toBe(150);
    expect(result.pools.map((p) => [p.name, p.sent, p.accepted, p.refused])).toEqual([['valid', 113, 113, 0], ['alg-none', 37, 0, 37]]);
    expect(result.passed).toBe(true);
    // The plan and its tokens lived in TMPDIR for the run only.
    expect(readdirSync(box.tmp)).toEqual([]);

    // The partial last second: a count of ~50 over ~0.5 s, drawn as the ~100/s it is.
    const last = result.timeline.at(-1)!;
    expect(last.spanSeconds).toBeGreaterThan(0.4);
    expect(last.spanSeconds).toBeLessThan(0.6);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|<link|src="http/);
    const chart = page.split('<svg').find((svg) => svg.includes('Responses and errors per second'))!;
    expect(chart).toMatch(new RegExp(`the last interval is ${last.spanSeconds.toFixed(2).replace(/0$/, '')} s \\(1–[\\d.]+ s\\), scaled to a per-second rate`));
    const responses = seriesPoints(chart, '#188038');
    const baseline = seriesPoints(chart, '#d93025')[0][1]; // no errors: that line lies on 0
    const height = ([, y]: [number, number]) => baseline - y;
    expect(responses.length).toBe(2 * result.timeline.length);
    expect(height(responses.at(-1)!)).toBeGreaterThan(0.75 * height(responses[0]));
    expect(height(responses.at(-1)!)).toBeLessThan(1.33 * height(responses[0]));
  });

  it('--report DIR chooses the directory; --json FILE writes there too and says it replaced a file that existed', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'earlier.json'), '{"an":"earlier result"}');
    const r = await gatecheck(['--scenario', join(box.cwd, '..', 'tiny.json'), '--gateway-workers', '1', '--duration', '1s', '--report', 'out/load', '--json', 'earlier.json'], box);
    expect(r.code).toBe(0);
    const dir = join(box.cwd, 'out', 'load');
    expect(r.out).toContain(`Report: ${join(dir, 'report.json')}\nReport: ${join(dir, 'report.html')}\nReport: ${join(box.cwd, 'earlier.json')} (replaced the file that was there)\n`);
    expect(readdirSync(box.cwd).sort()).toEqual(['earlier.json', 'out']);
    const written = readFileSync(join(dir, 'report.json'), 'utf8');
    expect(readFileSync(join(box.cwd, 'earlier.json'), 'utf8')).toBe(written);
    expect((JSON.parse(written) as LoadResult).requests.completed).toBe(100);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Each step: the responses (and errors) in that second.');
  });

  it('--compare writes one subfolder per target, a target listed twice included', async () => {
    const box = sandbox();
    const r = await gatecheck(['--scenario', join(box.cwd, '..', 'tiny.json'), '--gateway-workers', '1', '--duration', '1s', '--compare', 'reference,reference', '--report', 'cmp'], box, 40_000);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/compare \(× reference\):/);
    expect(readdirSync(join(box.cwd, 'cmp')).sort()).toEqual(['reference', 'reference-2']);
    for (const sub of ['reference', 'reference-2']) {
      expect((JSON.parse(readFileSync(join(box.cwd, 'cmp', sub, 'report.json'), 'utf8')) as LoadResult).requests.completed).toBe(100);
    }
  });
});

describe('gatecheck load --k6-manifest', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await createMockIdp({ port: 0 });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it('with a gateway URL the pods reach and a running mock IdP: tokens from that mock, the in-cluster URL in the plan, nothing else left behind', async () => {
    const box = sandbox();
    const r = await gatecheck(['--scenario', join(box.cwd, '..', 'tiny.json'), '--engine', 'k6', '--k6-manifest', 'k6.yaml', '--target', 'http://gateway.test.svc:8080', '--idp', idp.url], box);
    expect(r.err).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    const file = join(box.cwd, 'k6.yaml');
    expect(r.out).toMatch(new RegExp(`^Manifest: ${file}\nkubectl apply -f it where k6-operator runs, before \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z when its valid tokens expire\\.\n$`));
    expect(readdirSync(box.cwd)).toEqual(['k6.yaml']);
    expect(readdirSync(box.tmp)).toEqual([]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`# ${K6_VERSION_NOTE}`);
    const [configMap, testRun] = parseAllDocuments(text).map((d) => d.toJS());
    const plan = JSON.parse(configMap.data['plan.json']);
    expect(plan.targetUrl).toBe('http://gateway.test.svc:8080');
    expect(plan.control.idpUrl).toBe(idp.url);
    const pool = JSON.parse(configMap.data['pool-valid.json']);
    expect(pool.issuer).toBe(idp.tenant('contoso').issuer);
    expect(testRun.kind).toBe('TestRun');
  });
});


describe('gatecheck load --idp URL: the user\'s own mock is left as the run found it', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await createMockIdp({ port: 0 });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it('a scenario that rotates keys and faults the JWKS restores keys and faults when it ends', async () => {
    const jwks = async () => (await (await fetch(`${idp.url}/${idp.tenant('contoso').id}/discovery/v2.0/keys`)).json()) as { keys: Array<{ kid: string }> };
    const before = await jwks();
    const box = sandbox();
    const scenario = join(box.cwd, '..', 'events.json');
    writeFileSync(scenario, JSON.stringify({ ...TINY, name: 'events', events: [{ action: 'rotate-keys', at: 0.2 }, { action: 'jwks-fault', at: 0.5, for: 0.5, kind: 'down' }] }));
    const r = await gatecheck(['--scenario', scenario, '--idp', idp.url], box);
    expect(r.err).not.toMatch(/unexpected error/);
    expect(r.err).toContain(`load: checkpointed contoso on ${idp.url}; restored when the run ends`);
    const report = JSON.parse(readFileSync(r.out.match(/^Report: (.+report\.json)$/m)![1], 'utf8')) as LoadResult;
    // The events did happen: the run rotated and faulted the mock…
    expect(report.events.map((e) => [e.action, e.ok])).toEqual([['rotate-keys', true], ['jwks-fault', true]]);
    // …and the mock publishes the same keys afterwards, in the same order, with no fault left.
    const after = await fetch(`${idp.url}/${idp.tenant('contoso').id}/discovery/v2.0/keys`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)).toEqual(before.keys.map((k) => k.kid));
  });
});
