import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { compactVerify, decodeJwt } from 'jose';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { mintCommand } from '../mint.ts';
import { createMockIdp, VARIANTS } from '../../mock-idp/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatecheck-mint-'));
/** A loopback port nothing listens on (bound, then closed). */
const REFUSING_PORT = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** What the last `run` printed on stderr. */
let stderr = '';

/** Runs `gatecheck mint …` in process and returns what it printed on stdout. */
async function run(...args: string[]): Promise<string> {
  let out = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const program = new Command('gatecheck').exitOverride().addCommand(mintCommand().exitOverride());
  try {
    await program.parseAsync(['mint', ...args], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return out;
}

describe('gatecheck mint', () => {
  test('--list prints one line per variant: name, expectation, description', async () => {
    const lines = (await run('--list')).trimEnd().split('\n');
    expect(lines).toHaveLength(VARIANTS.length);
    expect(lines.length).toBeGreaterThanOrEqual(40);
    expect(lines.find((l) => l.startsWith('expired '))).toMatch(/^expired\s+reject\s+exp 10 minutes in the past/);
  });

  test('--variant prints just the token, one line, pipe-friendly', async () => {
    const out = await run('--offline', '--tenant', 'contoso', '--variant', 'expired');
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(out.trim()).exp).toBeLessThan(Date.now() / 1000);
  });

  test('--json prints token, header and claims', async () => {
    const out = JSON.parse(await run('--offline', '--tenant', 'fabrikam', '--variant', 'alg-none', '--json'));
    expect(Object.keys(out)).toEqual(['token', 'header', 'claims']);
    expect(out.header.alg).toBe('none');
    expect(out.token.endsWith('.')).toBe(true);
  });

  test('--recipe reads a JSON or YAML recipe file', async () => {
    const file = join(dir, 'recipe.yaml');
    writeFileSync(file, 'profile: entra-v2-user\nclaims:\n  aud: api://elsewhere\n  exp: { in: "+2m" }\n');
    const claims = JSON.parse(await run('--offline', '--recipe', file, '--json')).claims;
    expect(claims).toMatchObject({ aud: 'api://elsewhere', scp: expect.any(String) });
    expect(Math.abs(claims.exp - (Math.floor(Date.now() / 1000) + 120))).toBeLessThanOrEqual(2);
  });

  test('--keys signs offline with the key a running mock would load from the same directory', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'contoso.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const token = (await run('--keys', dir)).trim();
    await expect(compactVerify(token, publicKey)).resolves.toBeTruthy();
    // The key is the user's own: nothing to warn about, and no mock was looked for.
    expect(stderr).toBe('');
  });

  test('--idp mints through the control API with the keys the mock publishes', async () => {
    const idp = await createMockIdp({ port: 0 });
    try {
      const token = (await run('--idp', idp.url, '--tenant', 'fabrikam', '--variant', 'valid')).trim();
      await expect(compactVerify(token, idp.keys('fabrikam').primary().publicKey)).resolves.toBeTruthy();
      await expect(run('--idp', idp.url, '--tenant', 'nowhere')).rejects.toThrow(/^--idp http:\/\/127\.0\.0\.1:\d+: 404 AADSTS90002: Tenant 'nowhere' not found/);
    } finally {
      await idp.close();
    }
  });

  test.each([
    [['--variant', 'no-such'], 'ERR_CLI_USAGE', /no variant "no-such"/],
    [['--variant', 'valid', '--recipe', 'x.json'], 'ERR_CLI_USAGE', /not both/],
    [['--recipe', join(dir, 'missing.json')], 'ERR_CLI_USAGE', /^cannot read recipe \/\S+\/missing\.json: no such file; give --recipe the path of a JSON or YAML token recipe, or use --variant NAME/],
    [['--offline', '--tenant', 'nowhere'], 'ERR_CLI_USAGE', /no tenant "nowhere"/],
    [['--idp', 'http://127.0.0.1:9', '--offline'], 'ERR_CLI_USAGE', /^give --idp URL or --offline, not both$/],
    [['--base-url', 'not a url'], 'ERR_CLI_USAGE', /^--base-url not a url: not an http\(s\) URL; give the origin of the mock the gateway trusts, e\.g\. http:\/\/127\.0\.0\.1:9400$/],
    [['--idp', 'http://127.0.0.1:9'], 'ERR_CLI_USAGE', /cannot reach the mock/],
    [['--idp', `http://127.0.0.1:${REFUSING_PORT}`], 'ERR_CLI_USAGE', /cannot reach the mock \(nothing listens there; start it with gatecheck idp\)$/],
  ])('%j fails with one clear line (%s), which the dispatcher turns into exit 2', async (args, code, message) => {
    const failure = run(...args);
    await expect(failure).rejects.toMatchObject({ code });
    await expect(failure).rejects.toThrow(message);
  });

  test('a recipe the forge refuses fails with its ERR_MINT code and the field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ profile: 'entra-v3' }));
    await expect(run('--offline', '--recipe', file)).rejects.toMatchObject({ code: 'ERR_MINT_INVALID_RECIPE', field: 'profile' });
  });
});

describe('gatecheck mint without --idp: a token a gateway can trust when one can be had', () => {
  /** A loopback HTTP server that counts what reaches it and answers as `answer` says. */
  async function bystander(answer: (res: ServerResponse) => void): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
    let hits = 0;
    const server = createHttpServer((_req, res) => {
      hits++;
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      hits: () => hits,
      close: () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }

  test('signs through the gatecheck mock running on --base-url, and says so on stderr', async () => {
    const idp = await createMockIdp({ port: 0 });
    try {
      const token = (await run('--base-url', idp.url, '--tenant', 'fabrikam', '--variant', 'valid')).trim();
      await expect(compactVerify(token, idp.keys('fabrikam').primary().publicKey)).resolves.toBeTruthy();
      expect(decodeJwt(token).iss).toBe(idp.tenant('fabrikam').issuer);
      expect(stderr).toBe(`gatecheck mint: signed by the running mock at ${idp.url}, with the keys its JWKS publishes (--offline signs with a throwaway key instead)\n`);
      // A tenant that mock does not know is its answer, named after where the mock came from.
      await expect(run('--base-url', idp.url, '--tenant', 'nowhere')).rejects.toThrow(/^the mock running at http:\/\/127\.0\.0\.1:\d+: 404 AADSTS90002: Tenant 'nowhere' not found/);
    } finally {
      await idp.close();
    }
  });

  test('signs offline when no mock answers, and says in one line the key is throwaway and how to get a trusted one', async () => {
    const token = (await run('--base-url', `http://127.0.0.1:${REFUSING_PORT}`, '--variant', 'valid')).trim();
    expect(decodeJwt(token).iss).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${REFUSING_PORT}/`));
    expect(stderr).toBe(
      `gatecheck mint: signed with a throwaway key no gateway trusts (no gatecheck mock answers at http://127.0.0.1:${REFUSING_PORT}); for a token your gateway accepts, mint through the mock it trusts (--idp URL) or sign with the keys it loads (--keys DIR, as \`gatecheck idp --keys DIR\` uses)\n`,
    );
  });

  test('--offline, --tenants and --issuer-style sign in process without asking the running mock', async () => {
    const idp = await createMockIdp({ port: 0 });
    try {
      const cases: [string[], string][] = [
        [['--offline'], '--offline'],
        [['--tenants', 'fixtures/tenants'], '--tenants given'],
        [['--issuer-style', 'local'], '--issuer-style given'],
      ];
      for (const [args, reason] of cases) {
        const token = (await run('--base-url', idp.url, ...args)).trim();
        await expect(compactVerify(token, idp.keys('contoso').primary().publicKey)).rejects.toThrow();
        expect(stderr).toMatch(new RegExp(`^gatecheck mint: signed with a throwaway key no gateway trusts \\(${reason}\\); `));
      }
    } finally {
      await idp.close();
    }
  });

  test('whatever else answers on the port (not a gatecheck mock, or silent) is not signed through; the wait is short', async () => {
    const html = await bystander((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>some other app</html>'));
    const silent = await bystander(() => undefined);
    try {
      await run('--base-url', html.url);
      expect(html.hits()).toBe(1);
      expect(stderr).toContain(`(no gatecheck mock answers at ${html.url})`);
      const started = performance.now();
      await run('--base-url', silent.url);
      expect(silent.hits()).toBe(1);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(stderr).toContain(`(no gatecheck mock answers at ${silent.url})`);
    } finally {
      await Promise.all([html.close(), silent.close()]);
    }
  });

  test('never looks for a mock off loopback; --offline sends nothing anywhere', async () => {
    const started = performance.now();
    // TEST-NET-1 (RFC 5737): were it contacted, the probe would wait out its timeout.
    await run('--base-url', 'http://192.0.2.1:9400');
    expect(performance.now() - started).toBeLessThan(700);
    expect(stderr).toContain('(--base-url http://192.0.2.1:9400 is not a loopback address, so no mock was looked for there)');
    const watcher = await bystander((res) => res.writeHead(200).end('{}'));
    try {
      await run('--offline', '--base-url', watcher.url);
      expect(watcher.hits()).toBe(0);
    } finally {
      await watcher.close();
    }
  });
});
