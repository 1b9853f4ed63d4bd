import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs `gatecheck mint …` in process and returns what it printed on stdout. */
async function run(...args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
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
    const out = await run('--tenant', 'contoso', '--variant', 'expired');
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(out.trim()).exp).toBeLessThan(Date.now() / 1000);
  });

  test('--json prints token, header and claims', async () => {
    const out = JSON.parse(await run('--tenant', 'fabrikam', '--variant', 'alg-none', '--json'));
    expect(Object.keys(out)).toEqual(['token', 'header', 'claims']);
    expect(out.header.alg).toBe('none');
    expect(out.token.endsWith('.')).toBe(true);
  });

  test('--recipe reads a JSON or YAML recipe file', async () => {
    const file = join(dir, 'recipe.yaml');
    writeFileSync(file, 'profile: entra-v2-user\nclaims:\n  aud: api://elsewhere\n  exp: { in: "+2m" }\n');
    const claims = JSON.parse(await run('--recipe', file, '--json')).claims;
    expect(claims).toMatchObject({ aud: 'api://elsewhere', scp: expect.any(String) });
    expect(Math.abs(claims.exp - (Math.floor(Date.now() / 1000) + 120))).toBeLessThanOrEqual(2);
  });

  test('--keys signs offline with the key a running mock would load from the same directory', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'contoso.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const token = (await run('--keys', dir)).trim();
    await expect(compactVerify(token, publicKey)).resolves.toBeTruthy();
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
    [['--tenant', 'nowhere'], 'ERR_CLI_USAGE', /no tenant "nowhere"/],
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
    await expect(run('--recipe', file)).rejects.toMatchObject({ code: 'ERR_MINT_INVALID_RECIPE', field: 'profile' });
  });
});
