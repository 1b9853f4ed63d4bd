import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startReferenceGateway } from '../index.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';
import { rsaKey } from './reference-support/key-fixture.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../cli/gatecheck.ts');
const k1 = rsaKey('k1');
let upstream: EchoUpstream;
const dir = mkdtempSync(join(tmpdir(), 'gatecheck-gw-'));

beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream.close();
});

const config = () => ({
  listen: { port: 0 },
  admin: { port: 0 },
  issuers: [{ issuer: 'https://issuer.example/v2.0', keys: [k1.jwk] }],
  audiences: ['api://a'],
  routes: [{ path: '/pass', auth: 'anonymous' as const }, { path: '/x' }],
  upstream: { url: upstream.url },
  log: { level: 'silent' as const },
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cluster workers', () => {
  it('serves the public port from two worker processes and aggregates their metrics on the admin port', async () => {
    const g = await startReferenceGateway({ ...config(), workers: 2 });
    try {
      for (let i = 0; i < 6; i++) {
        const pass = await request(`${g.url}/pass`);
        await pass.body.dump();
        expect(pass.statusCode).toBe(200);
        const x = await request(`${g.url}/x`);
        await x.body.dump();
        expect(x.statusCode).toBe(401);
      }
      const metrics = await (await request(`${g.adminUrl}/metrics`)).body.text();
      expect(metrics).toMatch(/gatecheck_gateway_requests_total\{outcome="reject",reason="missing_token",route="\* \/x"\} 6/);
    } finally {
      await g.stop();
    }
  });
});

describe('gatecheck gateway', () => {
  it('prints the effective config with defaults filled in (--print-config)', async () => {
    const file = join(dir, 'gw.json');
    writeFileSync(file, JSON.stringify(config()));
    const r = await cli(['gateway', '--config', file, '--port', '8123', '--print-config']);
    expect(r.code).toBe(0);
    const printed = parseYaml(r.stdout);
    expect(printed.listen.port).toBe(8123);
    expect(printed.token.clockSkewSeconds).toBe(0);
    expect(printed.jwks.unknownKidCooldownSeconds).toBe(300);
  });
  it('rejects a bad config with one line naming the key and exit 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'issuers:\n  - issuer: https://i\n    jwksUri: https://i/keys\n    algorithms: [none]\naudiences: [a]\nroutes: [{path: /x}]\nupstream: {url: "http://127.0.0.1:9"}\n');
    const r = await cli(['gateway', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('issuers.0.algorithms.0');
  });
  it('refuses to start without --config or demo flags (exit 2)', async () => {
    const r = await cli(['gateway']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config/);
  });
});
