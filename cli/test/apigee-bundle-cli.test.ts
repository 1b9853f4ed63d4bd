import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { zipBundle } from '../../gateway-under-test/test/reference-support/zip-bundle.ts';
import { runCli } from './support/run-cli.ts';

const BUNDLES = join(import.meta.dirname, '../../fixtures/policies/apigee-bundles');
const GOOD = join(BUNDLES, 'good-orders');
const BAD = join(BUNDLES, 'bad-verb-falls-through');
const tmp = mkdtempSync(join(tmpdir(), 'gatecheck-apigee-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


/** A copy of the good bundle with `change` applied, under tmp. */
function variant(name: string, change: (apiproxy: string) => void): string {
  const dir = join(tmp, name);
  cpSync(GOOD, dir, { recursive: true });
  change(join(dir, 'apiproxy'));
  return dir;
}

const edit = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));

describe('gatecheck run --apigee-policy BUNDLE: bad bundles are one line naming the file, exit 2, nothing written', () => {
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['no-proxies', () => variant('no-proxies', (a) => rmSync(join(a, 'proxies'), { recursive: true })), /^gatecheck run: \S+no-proxies: no ProxyEndpoint: apiproxy\/proxies\/ is empty or missing; expected an exported Apigee proxy .+\n$/],
    ['empty-proxies', () => variant('empty-proxies', (a) => {
      rmSync(join(a, 'proxies'), { recursive: true });
      mkdirSync(join(a, 'proxies'));
    }), /^gatecheck run: \S+empty-proxies: no ProxyEndpoint: .+\n$/],
    ['not-a-zip', () => {
      const f = join(tmp, 'not-a-zip.zip');
      writeFileSync(f, 'this is a text file, not an archive\n');
      return f;
    }, /^gatecheck run: \S+not-a-zip\.zip: not a zip archive \(.+\); expected an exported Apigee proxy .+, as a folder or a \.zip\n$/],
    ['no-apiproxy', async () => {
      const dir = join(tmp, 'no-apiproxy-src');
      cpSync(join(GOOD, 'apiproxy'), join(dir, 'bundle'), { recursive: true });
      return zipBundle(dir, join(tmp, 'no-apiproxy.zip'));
    }, /^gatecheck run: \S+no-apiproxy\.zip: no apiproxy\/ folder in the archive; .+\n$/],
    ['zip-slip', () => zipBundle(GOOD, join(tmp, 'zip-slip.zip'), { 'apiproxy/policies/RF-': '../../../policies/RF-' }), /^gatecheck run: \S+zip-slip\.zip: .*points outside the archive.*zip-slip.*; refusing the archive\n$/],
    ['huge-entry', () => {
      const dir = join(tmp, 'huge-src');
      cpSync(GOOD, dir, { recursive: true });
      mkdirSync(join(dir, 'apiproxy/resources/jsc'), { recursive: true });
      // Compresses to a few kilobytes; unpacked it is larger than any exported proxy file.
      writeFileSync(join(dir, 'apiproxy/resources/jsc/huge.js'), Buffer.alloc(5 * 1024 * 1024, 0x20));
      return zipBundle(dir, join(tmp, 'huge-entry.zip'));
    }, /^gatecheck run: \S+huge-entry\.zip: entry "apiproxy\/resources\/jsc\/huge\.js" makes the archive unpack to more than 32 MiB \(or one file to more than 4 MiB\): not an exported proxy bundle\n$/],
    ['missing-policy', () => variant('missing-policy', (a) => edit(join(a, 'proxies/default.xml'), '<Name>VJ-Orders-Read</Name>', '<Name>VJ-Orders-Reader</Name>')), /^gatecheck run: \S+missing-policy\/apiproxy\/proxies\/default\.xml:20: <Step><Name>VJ-Orders-Reader<\/Name>: no policy named "VJ-Orders-Reader" in apiproxy\/policies\/; add it or fix the name .+\n$/],
    // The refusal names the VerifyJWT's own file and its <Issuer> line, not the bundle with that line.
    ['foreign-issuer', () => variant('foreign-issuer', (a) => {
      for (const f of ['VJ-Entra-Token', 'VJ-Orders-Read', 'VJ-Orders-Write']) edit(join(a, `policies/${f}.xml`), 'https://login.microsoftonline.com/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/v2.0', 'https://issuer.example/v2.0');
    }), /^gatecheck run: \S+foreign-issuer\/apiproxy\/policies\/VJ-Entra-Token\.xml:9: the policy trusts only https:\/\/issuer\.example\/v2\.0, an issuer the mock IdP .+ never writes, .+\n$/],
    ['unknown-element', () => variant('unknown-element', (a) => writeFileSync(join(a, 'policies/Check-Token.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<CheckToken name="Check-Token"/>\n')), /^gatecheck run: \S+unknown-element\/apiproxy\/policies\/Check-Token\.xml:2: unknown policy <CheckToken>: not an Apigee policy type; .+\n$/],
  ];
  const sources: string[] = [];
  beforeAll(async () => {
    for (const [, make] of cases) sources.push(await make());
  });

  test.each(cases.map(([name, , re], i) => [name, i, re] as const))('%s', async (_name, i, re) => {
    const report = join(tmp, `report-${i}`);
    const r = await runCli(['run', '--apigee-policy', sources[i], '--report', report], { cwd: tmp, timeoutMs: 30_000 });
    expect(r.stderr).toMatch(re);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(report)).toBe(false);
  });

  test('gateway, lint and matrix refuse the same bundle with the same line', async () => {
    const bundle = sources[cases.findIndex(([n]) => n === 'missing-policy')];
    const results = await Promise.all([
      runCli(['gateway', '--apigee-policy', bundle, '--upstream', 'http://127.0.0.1:9', '--idp', 'http://127.0.0.1:9'], { cwd: tmp, timeoutMs: 30_000 }),
      runCli(['lint', bundle], { cwd: tmp, timeoutMs: 30_000 }),
      runCli(['matrix', '--targets', `apigee-policy=${bundle}`, '--report', join(tmp, 'report-matrix')], { cwd: tmp, timeoutMs: 30_000 }),
    ]);
    for (const [r, command] of results.map((r, i) => [r, ['gateway', 'lint', 'matrix'][i]] as const)) {
      expect(r.stderr, command).toMatch(new RegExp(`^gatecheck ${command}: \\S+missing-policy/apiproxy/proxies/default\\.xml:20: <Step><Name>VJ-Orders-Reader</Name>: no policy named .+\\n$`));
      expect(r.code, command).toBe(2);
    }
    expect(existsSync(join(tmp, 'report-matrix'))).toBe(false);
  }, 60_000);
});

describe('gatecheck run and lint on the fixture bundles, end to end', () => {
  test('run: the good bundle as a .zip exits 0; the bad folder exits 1 with HEAD served without a token', async () => {
    const zip = await zipBundle(GOOD, join(tmp, 'good-orders.zip'));
    const [good, bad] = await Promise.all([
      runCli(['run', '--apigee-policy', zip, '--report', join(tmp, 'run-good')], { cwd: tmp, timeoutMs: 150_000 }),
      runCli(['run', '--apigee-policy', BAD, '--report', join(tmp, 'run-bad')], { cwd: tmp, timeoutMs: 150_000 }),
    ]);
    expect(good.stderr).not.toMatch(/^gatecheck run:/m);
    expect(good.stdout).toMatch(/MUST failures: 0/);
    expect(good.code).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'run-good/report.json'), 'utf8')) as { cases: { id: string; verdict: string }[] };
    expect(report.cases.find((c) => c.id === 'routing/head-without-token')?.verdict).toBe('pass');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✖ MUST\s+routing\/head-without-token/);
  }, 180_000);

  test('lint: the bundle\'s VerifyJWT policies, folder and zip, without findings', async () => {
    const zip = await zipBundle(GOOD, join(tmp, 'good-orders-lint.zip'));
    for (const source of [GOOD, zip]) {
      const r = await runCli(['lint', source], { cwd: tmp, timeoutMs: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('1 file(s), 0 error(s), 0 warning(s)\n');
    }
    // The same rules as for a single policy file: a VerifyJWT without <Audience> inside a bundle is found.
    const noAudience = variant('lint-no-audience', (a) => edit(join(a, 'policies/VJ-Entra-Token.xml'), '    <Audience>5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b</Audience>\n', ''));
    const r = await runCli(['lint', noAudience], { cwd: tmp, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/lint-no-audience\/apiproxy\/policies\/VJ-Entra-Token\.xml:2: error apigee-no-audience: /);
  }, 60_000);
});
