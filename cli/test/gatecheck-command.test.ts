import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { runCli } from './support/run-cli.ts';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const EXAMPLE_PROFILE = fileURLToPath(new URL('../../fixtures/targets/example-gateway.profile.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gatecheck-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback port held by someone else until `close`. */
function holdPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}


describe('gatecheck', () => {
  test.each([['--version'], ['-V']])('%s prints the version from package.json and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect(r).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
  });

  test('the Node it needs (>= 22.18, type stripping) comes from the node devDependency, not engines', () => {
    // npm checks engines against the Node that runs npm (the system one), not the one npx and npm scripts
    // put first on PATH, so engines would warn on every fresh `npx gatecheck` for a Node the project never uses.
    expect(PACKAGE.engines).toBeUndefined();
    const [, major, minor] = /^\^(\d+)\.(\d+)\.\d+$/.exec(PACKAGE.devDependencies.node) ?? [];
    expect(Number(major)).toBe(22);
    expect(Number(minor)).toBeGreaterThanOrEqual(18);
  });
});

describe('gatecheck run: bad input is one line and exit 2', () => {
  test("the profile's IdP port in use names what run can do about it (it has no --port)", async () => {
    const { port, server } = await holdPort();
    try {
      const profile = join(dir, 'busy-idp.profile.yaml');
      writeFileSync(profile, readFileSync(EXAMPLE_PROFILE, 'utf8').replaceAll('127.0.0.1:9400', `127.0.0.1:${port}`));
      const r = await runCli(['run', '--target', 'http://127.0.0.1:9', '--profile', profile]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `gatecheck run: cannot start the mock IdP on 127.0.0.1:${port} (from the profile's issuer): port ${port} on 127.0.0.1 is already in use; ` +
          `if a mock IdP already serves it, pass --idp http://127.0.0.1:${port}, else free the port\n`,
      );
    } finally {
      server.close();
    }
  });
});

describe('a missing file is named, with where it was looked for and what to give instead', () => {
  test.each([
    [['run', '--target', 'http://127.0.0.1:9', '--profile', 'mine.yaml'], 'gatecheck run: cannot read profile mine.yaml: no such file (looked for DIR/mine.yaml); give --profile a YAML or JSON profile (fixtures/targets/example-gateway.profile.yaml is an example)'],
    [['run', '--apim-policy', 'policy.xml'], 'gatecheck run: policy.xml: cannot read the policy: no such file (looked for DIR/policy.xml); give the path of an APIM or Apigee policy XML file'],
    [['gateway', '--config', 'gw.yaml'], 'gatecheck gateway: config: cannot read gw.yaml: no such file (looked for DIR/gw.yaml); give the path of a YAML or JSON reference-gateway config'],
    [['mint', '--recipe', 'r.json'], 'gatecheck mint: cannot read recipe r.json: no such file (looked for DIR/r.json); give --recipe the path of a JSON or YAML token recipe, or use --variant NAME (--list shows them)'],
    [['lint', 'p.xml'], 'gatecheck lint: cannot read policy p.xml: no such file (looked for DIR/p.xml); give the path of an APIM or Apigee policy XML file'],
  ])('%j', async (args, message) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message.replaceAll('DIR', dir)}\n`);
  });
});

describe('a mistyped name suggests the closest known one, in the same one line', () => {
  test.each([
    [['mint', '--variant', 'expird'], /^gatecheck mint: no variant "expird" \(did you mean "expired"\?\); gatecheck mint --list shows them\n$/],
    [['run', '--target', 'haprox'], /^gatecheck run: unknown target "haprox" \(did you mean "haproxy"\?\); use one of reference, .+\n$/],
    [['matrix', '--targets', 'reference,node:jsonwebtokn'], /^gatecheck matrix: --targets: unknown target "node:jsonwebtokn" \(did you mean "node:jsonwebtoken"\?\); use one of .+\n$/],
    [['load', '--scenario', 'rotaton'], /^gatecheck load: unknown scenario "rotaton" \(did you mean "rotation"\?\); use one of .+\n$/],
    [['load', '--scenario', 'rotation', '--target', 'refrence'], /^gatecheck load: unknown target "refrence" \(did you mean "reference"\?\); use one of reference, haproxy or an http\(s\) URL\n$/],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('an unknown profile key names the key the schema has', async () => {
    const profile = join(dir, 'typo.profile.yaml');
    writeFileSync(profile, readFileSync(EXAMPLE_PROFILE, 'utf8').replace('  requireExp: true', '  requireExpp: true'));
    const r = await runCli(['run', '--target', 'http://127.0.0.1:9', '--profile', profile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gatecheck run: ${profile}: token.requireExpp: unknown key (did you mean "requireExp"?)\n`);
  });
});

/** A loopback port nothing listens on: held for a moment, then released. */
async function closedPort(): Promise<number> {
  const { port, server } = await holdPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a peer that is not there, or a port that is taken, names the command or flag that fixes it', () => {
  test('run: a target that refuses the connection says to start the gateway or fix --target', async () => {
    const port = await closedPort();
    const r = await runCli(['run', '--target', `http://127.0.0.1:${port}`, '--profile', EXAMPLE_PROFILE], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gatecheck run: the target at http://127.0.0.1:${port} refused the connection: nothing listens there; start the gateway first, or give --target the URL it listens on\n`);
  });

  test('gateway (demo mode): an IdP that is not running says how to start it on that port', async () => {
    const port = await closedPort();
    const r = await runCli(['gateway', '--idp', `http://127.0.0.1:${port}`, '--upstream', 'http://127.0.0.1:9480']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gatecheck gateway: cannot reach the IdP at http://127.0.0.1:${port}: nothing listens there; start the mock first (npx gatecheck idp --port ${port}) or give --idp the URL of a running one\n`);
  });

  describe('with a mock IdP running', () => {
    let idp: MockIdp;
    beforeAll(async () => {
      idp = await createMockIdp({ port: 0 });
    });
    afterAll(async () => {
      await idp?.close();
    });

    test.each([
      ['--port', (held: number) => ['--port', String(held), '--admin-port', '0'], (held: number) => `cannot listen on 127.0.0.1:${held}: the port is already in use; choose another or stop what holds it (--port N moves it, 0 takes any free one)`],
      ['--admin-port', (held: number) => ['--port', '0', '--admin-port', String(held)], (held: number) => `cannot listen on 127.0.0.1:${held} (metrics and admin): the port is already in use; choose another or stop what holds it (--admin-port N moves the metrics port, 0 takes any free one)`],
    ])('gateway: a taken %s port names that flag', async (_flag, flags, message) => {
      const { port, server } = await holdPort();
      try {
        const r = await runCli(['gateway', '--idp', idp.url, '--upstream', 'http://127.0.0.1:9480', ...flags(port)]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`gatecheck gateway: ${message(port)}\n`);
      } finally {
        server.close();
      }
    });
  });
});
