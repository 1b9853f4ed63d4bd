import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/gatecheck.ts';
import { demoConfig, startReferenceGateway, type ReferenceGateway } from '../../gateway-under-test/index.ts';
import { createMockIdp } from '../../mock-idp/index.ts';
import { idpDriver } from '../harness/idp-driver.ts';
import type { RunReport } from '../harness/run-report.ts';

const CLI = fileURLToPath(new URL('../../cli/gatecheck.ts', import.meta.url));
const SESSION = fileURLToPath(new URL('../harness/idp-session.ts', import.meta.url));
const DRIVER = fileURLToPath(new URL('../harness/idp-driver.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gatecheck-session-'));
const children = new Set<ChildProcess>();

/** What a run may change on a tenant, read the way a user would: the served JWKS, the key list, clock and faults. */
async function mockState(url: string, tenant = 'contoso') {
  const admin = async (path: string) => (await fetch(`${url}/_admin${path}`)).json();
  const { tenants } = (await admin('/tenants')) as { tenants: { tenant: string; jwksUri: string }[] };
  const jwks = await (await fetch(tenants.find((t) => t.tenant === tenant)!.jwksUri)).text();
  const keys = ((await admin(`/tenants/${tenant}/keys`)) as { keys: { kid: string; state: string }[] }).keys.map(({ kid, state }) => `${kid} ${state}`);
  const { offsetSeconds } = (await admin(`/tenants/${tenant}/clock`)) as { offsetSeconds: number };
  const faults = ((await admin('/faults')) as { faults: { tenant: string; endpoint: string }[] }).faults.map((f) => `${f.tenant} ${f.endpoint}`);
  return { jwks, keys, offsetSeconds, faults };
}

/** `gatecheck idp` as a user starts it: its own process, its own keys. */
function startIdpProcess(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'idp', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gatecheck idp did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gatecheck idp exited ${code}: ${out}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let idp: { child: ChildProcess; url: string };
let gateway: ReferenceGateway;
let profile: string;
let upstreamPort: number;

beforeAll(async () => {
  idp = await startIdpProcess();
  upstreamPort = await freePort();
  const config = await demoConfig({ idpUrl: idp.url, upstreamUrl: `http://127.0.0.1:${upstreamPort}`, port: 0 });
  // A short unknown-kid cooldown, as the embedded target has, so the key cases need not wait minutes.
  gateway = await startReferenceGateway({ ...config, admin: false, log: { level: 'silent' }, jwks: { unknownKidCooldownSeconds: 0.25, timeoutMs: 1000 } });
  profile = join(dir, 'profile.json');
  // The mock publishes weak keys on request, so the weak-key case runs instead of being skipped.
  writeFileSync(profile, JSON.stringify({ ...gateway.profile, features: [...gateway.profile.features, 'idp-weak-key'] }));
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  for (const child of [...children]) await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
});

async function gatecheck(...args: string[]): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const saved = process.exitCode;
  try {
    return { code: await main(args), stderr: stderr.join('') };
  } finally {
    process.exitCode = saved;
    vi.restoreAllMocks();
  }
}

describe('gatecheck run --idp URL against a mock the user started', () => {
  it('leaves its keys (same kids, order and states), clock and faults as it found them, after cases that rotate, add keys and shift the clock', async () => {
    const before = await mockState(idp.url);
    const fabrikam = await mockState(idp.url, 'fabrikam');
    const out = join(dir, 'run');
    const only = 'keys/rotation-next-key-promoted,algorithm/weak-rsa-key-in-jwks,idp-faults/idp-clock-*,claims/exp-10-minutes-ago';
    const { code } = await gatecheck('run', '--target', gateway.url, '--profile', profile, '--idp', idp.url, '--upstream-port', String(upstreamPort), '--only', only, '--report', out);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    // The cases really changed the mock: they ran (none skipped) and the rotation was accepted by the gateway.
    expect(report.cases.map((c) => `${c.id} ${c.verdict}`).sort()).toEqual([
      'algorithm/weak-rsa-key-in-jwks pass',
      'claims/exp-10-minutes-ago pass',
      'idp-faults/idp-clock-five-minutes-ahead pass',
      'idp-faults/idp-clock-ten-minutes-behind pass',
      'keys/rotation-next-key-promoted pass',
    ]);
    expect(code).toBe(0);
    expect(await mockState(idp.url)).toEqual(before);
    expect(await mockState(idp.url, 'fabrikam')).toEqual(fabrikam);
  }, 60_000);

  it('refuses, in one line and with exit 2, a mock that cannot checkpoint, before any case changes it', async () => {
    const old: Server = createHttpServer((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found', error_description: `no control route ${req.method} ${req.url}` }));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
      const { code, stderr } = await gatecheck('run', '--target', gateway.url, '--profile', profile, '--idp', url, '--upstream-port', String(upstreamPort), '--only', 'claims/exp-10-minutes-ago', '--report', join(dir, 'old'));
      expect(code).toBe(2);
      expect(stderr).toMatch(/the mock IdP at http:\/\/127\.0\.0\.1:\d+ cannot checkpoint tenant 7e5b2c3a-\S+ \(it is older than this gatecheck\); restart it with this version's `gatecheck idp`/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  }, 30_000);
});

describe('an interrupted run', () => {
  /** A run cut short: the session is open, the mock changed, and the process is still going when the signal comes. */
  const script = join(dir, 'interrupted-run.ts');
  writeFileSync(
    script,
    [
      `import { idpDriver } from ${JSON.stringify(DRIVER)};`,
      `import { beginIdpSession } from ${JSON.stringify(SESSION)};`,
      `const driver = idpDriver(process.argv[2], 'contoso');`,
      `await beginIdpSession(driver);`,
      `await driver.apply({ action: 'rotate-keys' });`,
      `await driver.apply({ action: 'add-key', kid: 'interrupted-run-key' });`,
      `await driver.apply({ action: 'clock', offsetSeconds: 600 });`,
      `await driver.apply({ action: 'fault', endpoint: 'token', fault: { kind: 'down' } });`,
      `process.stdout.write('changed\\n');`,
      `setInterval(() => {}, 1000);`,
    ].join('\n'),
  );

  it.each(['SIGINT', 'SIGTERM'] as const)('puts the mock back before the process ends on %s, and still ends by that signal', async (signal) => {
    const before = await mockState(idp.url);
    const child = spawn(process.execPath, [script, idp.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    child.stderr!.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the run never changed the mock: ${out}`)), 20_000);
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('changed')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const changed = await mockState(idp.url);
    expect(changed.keys).not.toEqual(before.keys);
    expect(changed.keys.join('\n')).toContain('interrupted-run-key next');
    expect(changed.offsetSeconds).toBe(600);
    expect(changed.faults).toEqual(['contoso token']);

    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    expect(await ended).toEqual({ code: null, signal });
    clearTimeout(timer);
    children.delete(child);
    expect(out).not.toMatch(/could not put/);
    expect(await mockState(idp.url)).toEqual(before);
  }, 40_000);
});

describe('a checkpoint through the driver', () => {
  it('restores after the changes already sent, and refuses new ones while it restores', async () => {
    const before = await mockState(idp.url);
    const driver = idpDriver(idp.url, 'contoso');
    const first = await driver.checkpoint();
    const rotating = driver.apply({ action: 'rotate-keys' });
    await first.restore();
    await rotating;
    expect(await mockState(idp.url)).toEqual(before);

    const second = await driver.checkpoint();
    const restoring = second.restore();
    await expect(driver.apply({ action: 'rotate-keys' })).rejects.toMatchObject({ code: 'ERR_IDP_CONTROL', message: expect.stringMatching(/is being put back as the run found it/) });
    await restoring;
    await expect(second.restore()).resolves.toBeUndefined();
    expect(await mockState(idp.url)).toEqual(before);
    // Restoring also forgets the checkpoint on the mock: nothing piles up there run after run.
    const third = await driver.checkpoint();
    await third.restore();
  });

  it('works the same on a mock in this process, without HTTP', async () => {
    const local = await createMockIdp({ port: 0 });
    try {
      const before = await mockState(local.url);
      const driver = idpDriver(local, 'contoso');
      const checkpoint = await driver.checkpoint();
      await driver.apply({ action: 'rotate-keys' });
      await driver.apply({ action: 'add-key', kid: 'in-process-run-key', state: 'previous' });
      await driver.apply({ action: 'clock', offsetSeconds: -300 });
      expect((await mockState(local.url)).keys).not.toEqual(before.keys);
      await checkpoint.restore();
      expect(await mockState(local.url)).toEqual(before);
    } finally {
      await local.close();
    }
  });
});
