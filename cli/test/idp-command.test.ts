import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, importPKCS8, SignJWT } from 'jose';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { CLI, runCli } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatecheck-cli-'));
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Starts `gatecheck idp` and resolves with its base URL once it prints that it listens. */
function startIdp(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'idp', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`idp did not start: ${out}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`idp exited ${code}: ${out}`)));
  });
}

function expectOneLineError(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stdout).toBe('');
}

describe('gatecheck idp: bad input is one clear line and exit code 2', () => {
  test('a bad tenant file names the file, the path and the reason', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'tenant:\n  name: acme\n  id: 11111111-2222-4333-8444-555555555555\n  domain: acme.example\n  region: eu\n');
    const r = await runCli(['idp', '--port', '0', '--tenants', file], { running: children });
    expectOneLineError(r, /^gatecheck idp: .*bad\.yaml: tenant: Unrecognized key.*region.*\n$/);
  });

  test('an unknown flag', async () => {
    const r = await runCli(['idp', '--colour', 'blue'], { running: children });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--colour'/);
  });

  test('a port in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['idp', '--port', String(port)], { running: children });
      expectOneLineError(r, new RegExp(`^gatecheck idp: port ${port} on 127\\.0\\.0\\.1 is already in use; choose another with --port\\n$`));
    } finally {
      blocker.close();
    }
  });

  test('a port that is not a number', async () => {
    expectOneLineError(await runCli(['idp', '--port', 'eighty'], { running: children }), /--port: expected a port number from 0 to 65535, got "eighty"/);
  });
});

describe('gatecheck idp: serving', () => {
  test('prints its base URL, tenants and endpoints, serves the index, and stops cleanly on SIGTERM', async () => {
    const { child, url, output } = await startIdp([]);
    const index = (await (await fetch(`${url}/`)).json()) as { tenants: { name: string; discovery: string }[] };
    expect(index.tenants.map((t) => t.name)).toEqual(['contoso', 'fabrikam']);
    expect(output()).toContain(index.tenants[0].discovery);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('--save-keys writes PKCS#8 keys that --keys loads back as the signing key, with the same kid', async () => {
    const keys = join(dir, 'keys');
    const first = await startIdp(['--save-keys', keys]);
    const jwks1 = await (await fetch(`${first.url}/contoso/discovery/v2.0/keys`)).json();
    first.child.kill('SIGTERM');
    const pem = readFileSync(join(keys, 'contoso.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(existsSync(join(keys, 'fabrikam.pem'))).toBe(true);

    // Refuses to overwrite what is there.
    const again = await runCli(['idp', '--port', '0', '--save-keys', keys], { running: children });
    expectOneLineError(again, /contoso\.pem already exists/);

    const second = await startIdp(['--keys', keys]);
    const jwks2 = (await (await fetch(`${second.url}/contoso/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    // An outside tool signs with the saved key; the running mock's JWKS verifies it.
    const key = await importPKCS8(pem, 'RS256');
    const primaryKid = (jwks1 as { keys: { kid: string }[] }).keys[0].kid;
    const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: primaryKid }).sign(key);
    expect(jwks2.keys.map((k) => k.kid)).toContain(primaryKid);
    await expect(compactVerify(jwt, createLocalJWKSet(jwks2 as never))).resolves.toBeTruthy();
    second.child.kill('SIGTERM');
  });

  test('--tls serves HTTPS and prints the CA certificate path', async () => {
    const { url, output } = await startIdp(['--tls', '--tls-dir', join(dir, 'tls')]);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toContain(join(dir, 'tls', 'ca.crt'));
    expect(readFileSync(join(dir, 'tls', 'ca.crt'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  });

  // 192.0.2.1 (TEST-NET-1) is no local address: the warning is printed, then binding fails cleanly,
  // so the test never exposes a mock beyond loopback.
  test('a non-loopback host is warned about before binding, and an address that is not local is one clear error', async () => {
    const r = await runCli(['idp', '--port', '0', '--host', '192.0.2.1'], { running: children });
    expect(r.stderr).toMatch(/^warning: binding 192\.0\.2\.1: anyone who can reach it can mint tokens/);
    expect(r.stderr).toMatch(/gatecheck idp: cannot listen on host 192\.0\.2\.1: no such local address\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });
});
