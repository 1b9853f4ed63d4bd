import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/gatecheck.ts';
import { demoConfig, startReferenceGateway, type ReferenceGateway } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import type { RunReport } from '../harness/run-report.ts';

let dir: string;
let stderr: string[];
let stdout: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatecheck-run-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function gatecheck(...args: string[]): Promise<number> {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (stdout.push(String(s)), true));
  const saved = process.exitCode;
  try {
    return await main(args);
  } finally {
    process.exitCode = saved;
    vi.restoreAllMocks();
  }
}

const readReport = async (d: string) => JSON.parse(await readFile(join(d, 'report.json'), 'utf8')) as RunReport;

describe('gatecheck run against the embedded reference gateway', () => {
  it('exits 0 when every MUST passes and writes report.json, junit.xml and report.html', async () => {
    const out = join(dir, 'embedded');
    const code = await gatecheck('run', '--only', 'transport/no-credentials,claims/audience-*,forwarding/spoofed-user-id-header', '--report', out);
    expect(code).toBe(0);
    const report = await readReport(out);
    expect(report.target.name).toBe('reference');
    expect(report.summary).toMatchObject({ fail: 0, error: 0, mustFailed: 0 });
    expect(report.cases.map((c) => c.id)).toContain('transport/no-credentials');
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toMatch(/<testsuites/);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/<html/i);
    expect(stdout.join('')).toContain(join(out, 'report.json'));
  }, 30_000);
});

describe('gatecheck run: bad input is one line and exit 2', () => {
  it.each([
    [['--target', 'nope'], /unknown target "nope"/],
    [['--target', 'http://127.0.0.1:9'], /needs --profile FILE/],
    [['--only', 'no-such-category'], /no case id matches --only no-such-category/],
    [['--concurrency', '0'], /--concurrency: expected 1 to 256/],
  ])('%j', async (args, message) => {
    expect(await gatecheck('run', ...args)).toBe(2);
    const text = stderr.join('');
    expect(text).toMatch(message);
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('names the offending key of a profile file', async () => {
    const file = join(dir, 'bad-profile.yaml');
    await writeFile(file, 'name: x\nissuers: []\naudiences: [a]\nroutes: [{ path: /a }]\nclockskew: 5\n');
    expect(await gatecheck('run', '--target', 'http://127.0.0.1:9', '--profile', file)).toBe(2);
    expect(stderr.join('')).toMatch(/bad-profile\.yaml: issuers: /);
    await writeFile(file, 'name: x\nissuers: [{ issuer: i, audiences: [a] }]\naudiences: [a]\nroutes: [{ path: /a }]\nclockskew: 5\n');
    expect(await gatecheck('run', '--target', 'http://127.0.0.1:9', '--profile', file)).toBe(2);
    expect(stderr.join('')).toMatch(/bad-profile\.yaml: clockskew: unknown key/);
  });
});

describe('gatecheck run --target URL --profile FILE --idp URL (an out-of-process gateway and IdP)', () => {
  let idp: MockIdp;
  let gateway: ReferenceGateway | undefined;
  let upstreamPort: number;

  beforeAll(async () => {
    idp = await createMockIdp({ port: 0 });
    upstreamPort = await freePort();
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(() => idp.close());

  async function start(requireExp: boolean): Promise<string> {
    const config = await demoConfig({ idpUrl: idp.url, upstreamUrl: `http://127.0.0.1:${upstreamPort}`, port: 0 });
    gateway = await startReferenceGateway({ ...config, admin: false, log: { level: 'silent' }, token: { requireExp } });
    const file = join(dir, `profile-${requireExp}.json`);
    // The profile claims exp is required whatever the gateway really does: a lying profile is how a misconfigured gateway looks.
    await writeFile(file, JSON.stringify({ ...gateway.profile, token: { ...gateway.profile.token, requireExp: true } }));
    return file;
  }

  it('mints, faults and counts through the control API and exits 0 when the gateway holds', async () => {
    const profile = await start(true);
    const out = join(dir, 'remote-ok');
    // Globs, not exact ids: the case files are still being renamed while the suite grows.
    const only = 'claims/exp-*,claims/audience-*,transport/no-credentials,idp-faults/jwks-down-cached-key*';
    const code = await gatecheck('run', '--target', gateway!.url, '--profile', profile, '--idp', idp.url, '--upstream-port', String(upstreamPort), '--only', only, '--report', out);
    const report = await readReport(out);
    expect(report.cases.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.skipReason ?? ''}`)).toEqual([]);
    expect(report.cases.length).toBeGreaterThan(10);
    expect(report.cases.some((c) => c.id.startsWith('idp-faults/'))).toBe(true);
    expect(code).toBe(0);
  }, 30_000);

  it('exits 1 when a blocking case fails (exp not required although the profile says so)', async () => {
    const profile = await start(false);
    const out = join(dir, 'remote-fail');
    const code = await gatecheck('run', '--target', gateway!.url, '--profile', profile, '--idp', idp.url, '--upstream-port', String(upstreamPort), '--only', 'claims/exp-*', '--report', out);
    expect(code).toBe(1);
    const report = await readReport(out);
    const failed = report.cases.filter((c) => c.verdict === 'fail');
    expect(failed.length).toBe(1);
    expect(failed[0].steps.flatMap((s) => s.findings).join(' ')).toMatch(/expected the request to be refused, got status 200/);
    // claims/exp-absent is a PROFILE case: it blocks the run without being a MUST failure.
    expect(report.summary).toMatchObject({ mustFailed: 0, blockingFailed: 1 });
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
