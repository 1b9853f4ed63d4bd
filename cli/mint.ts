import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { CliError } from './cli-error.ts';
// The one file, not the gateway's index: `gatecheck mint` should not load the gateway (start-up time).
import { fileProblem } from '../gateway-under-test/file-problem.ts';
import { didYouMean } from '../suites/harness/did-you-mean.ts';
import { mint, findVariant, VARIANTS, createTenantRuntime, findTenant, loadTenants, type MintResult, type TokenRecipe } from '../mock-idp/index.ts';

interface MintOptions {
  tenant?: string;
  recipe?: string;
  variant?: string;
  json?: boolean;
  list?: boolean;
  idp?: string;
  adminToken?: string;
  keys?: string;
  tenants?: string;
  baseUrl: string;
  issuerStyle: 'local' | 'entra';
  offline?: boolean;
}

/** A mock that is running answers its control API within milliseconds on loopback; this bounds the wait when nothing does. */
const PROBE_TIMEOUT_MS = 800;

function readRecipe(file: string): TokenRecipe {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read recipe ${file}: ${fileProblem(file, e)}; give --recipe the path of a JSON or YAML token recipe, or use --variant NAME (--list shows them)`);
  }
  try {
    // YAML is a superset of JSON, so one parser takes both recipe spellings.
    const value = parseYaml(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('the recipe must be an object');
    return value as TokenRecipe;
  } catch (e) {
    throw new CliError(`--recipe ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function chosenRecipe(opts: MintOptions): TokenRecipe | { variant: string } {
  if (opts.recipe && opts.variant) throw new CliError('give --recipe or --variant, not both');
  if (opts.recipe) return readRecipe(opts.recipe);
  if (opts.variant) {
    const variant = findVariant(opts.variant);
    if (!variant) throw new CliError(`no variant "${opts.variant}"${didYouMean(opts.variant, VARIANTS.map((v) => v.name))}; gatecheck mint --list shows them`);
    return { variant: variant.name };
  }
  return {};
}

/** Offline: the tenant files in process, with generated keys unless `--keys` gives the ones a running mock uses. */
async function mintOffline(opts: MintOptions, what: TokenRecipe | { variant: string }): Promise<MintResult> {
  const tenants = loadTenants(opts.tenants);
  const tenant = opts.tenant ? findTenant(tenants.map((t) => ({ tenant: t })), opts.tenant)?.tenant : tenants[0];
  if (!tenant) throw new CliError(`no tenant "${opts.tenant}"; known: ${tenants.map((t) => t.name).join(', ')}`);
  // Keys are generated per run, so only the requested tenant gets a runtime; the others are needed for names only.
  const runtime = await createTenantRuntime(tenant, {
    baseUrl: opts.baseUrl.replace(/\/$/, ''),
    issuerStyle: opts.issuerStyle,
    keysDir: opts.keys,
    lifetime: { min: 3600, max: 5400 },
  });
  const recipe = 'variant' in what ? findVariant(what.variant as string)!.recipe : what;
  return mint(runtime, recipe, { tenants: tenants.map((t) => ({ tenant: t })) });
}

/** Online: the running mock's control API, so the token is signed by the keys its JWKS publishes. */
async function mintOnline(idp: string, opts: MintOptions, what: TokenRecipe | { variant: string }, found = false): Promise<MintResult> {
  const base = idp.replace(/\/$/, '');
  // Errors name where the mock came from: the user's --idp, or the one found running on --base-url.
  const where = found ? `the mock running at ${base}` : `--idp ${base}`;
  const tenant = opts.tenant ?? 'contoso';
  const token = opts.adminToken ?? process.env.GATECHECK_ADMIN_TOKEN;
  let res: Response;
  try {
    res = await fetch(`${base}/_admin/tenants/${encodeURIComponent(tenant)}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(what),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    const { code, message } = (e as { cause?: { code?: string; message?: string } }).cause ?? {};
    const cause = code === 'ECONNREFUSED' ? 'nothing listens there; start it with gatecheck idp' : code === 'ENOTFOUND' ? 'no such host' : (message ?? (e as Error).message);
    throw new CliError(`${where}: cannot reach the mock (${cause})`);
  }
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`${where}: answered ${res.status} with a body that is not JSON; is it a gatecheck mock?`);
  }
  if (!res.ok) {
    const description = String(body.error_description ?? body.error ?? `status ${res.status}`).split(' Trace ID:')[0];
    throw new CliError(`${where}: ${res.status} ${description}`);
  }
  return body as unknown as MintResult;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * The origin of a gatecheck mock answering at `baseUrl`, or undefined. Only loopback is asked (a mint
 * never sends requests elsewhere unless told with --idp), with a short timeout, and only a mock's own
 * tenant listing counts: whatever else listens on the port is not signed through.
 */
async function runningMock(baseUrl: URL): Promise<string | undefined> {
  if (!isLoopback(baseUrl.hostname)) return undefined;
  try {
    const res = await fetch(`${baseUrl.origin}/_admin/tenants`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { tenants?: unknown };
    const looksLikeMock = Array.isArray(body.tenants) && body.tenants.length > 0 && body.tenants.every((t) => typeof t?.tenant === 'string' && typeof t?.tenantId === 'string');
    return looksLikeMock ? baseUrl.origin : undefined;
  } catch {
    return undefined;
  }
}

function parseBaseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (/^https?:$/.test(url.protocol)) return url;
  } catch {
    // reported below, with what to give instead
  }
  throw new CliError(`--base-url ${value}: not an http(s) URL; give the origin of the mock the gateway trusts, e.g. http://127.0.0.1:9400`);
}

/**
 * Without --idp, a token a gateway can trust when one can be had: through the gatecheck mock running
 * on --base-url, else offline. stderr says which, so nobody mistakes a throwaway signature for a real one.
 */
async function mintDefault(opts: MintOptions, what: TokenRecipe | { variant: string }, offlineFlags: string[]): Promise<MintResult> {
  const base = parseBaseUrl(opts.baseUrl);
  const why = opts.offline ? '--offline' : offlineFlags.length > 0 ? `${offlineFlags.join(', ')} given` : undefined;
  const running = why ? undefined : await runningMock(base);
  if (running) {
    const result = await mintOnline(running, opts, what, true);
    process.stderr.write(`gatecheck mint: signed by the running mock at ${running}, with the keys its JWKS publishes (--offline signs with a throwaway key instead)\n`);
    return result;
  }
  const result = await mintOffline(opts, what);
  if (!opts.keys) {
    const reason = why ?? (isLoopback(base.hostname) ? `no gatecheck mock answers at ${base.origin}` : `--base-url ${base.origin} is not a loopback address, so no mock was looked for there`);
    process.stderr.write(
      `gatecheck mint: signed with a throwaway key no gateway trusts (${reason}); for a token your gateway accepts, mint through the mock it trusts (--idp URL) or sign with the keys it loads (--keys DIR, as \`gatecheck idp --keys DIR\` uses)\n`,
    );
  }
  return result;
}

/** `gatecheck mint`: one token on stdout (pipe-friendly), or token, header and claims with --json. */
export function mintCommand(): Command {
  return new Command('mint')
    .description('print one token from a recipe or a named variant, signed by the running mock (--base-url, or --idp) or offline')
    .option('--tenant <tenant>', 'tenant name, domain or GUID (default: the first tenant)')
    .option('--recipe <file>', 'a TokenRecipe as JSON or YAML')
    .option('--variant <name>', 'a named variant (see --list)')
    .option('--json', 'print token, header and claims as JSON')
    .option('--list', 'list the named variants, one per line')
    .option('--idp <url>', 'mint through a running mock-idp control API, with the keys it publishes')
    .option('--offline', 'sign in this process without looking for a running mock (a throwaway key unless --keys)')
    .option('--admin-token <token>', 'bearer token for the control API (also GATECHECK_ADMIN_TOKEN)')
    .option('--keys <dir>', 'offline: signing keys from DIR/<tenant>.pem, as `gatecheck idp --keys DIR` uses')
    .option('--tenants <path>', 'offline: tenant YAML file or directory (default: fixtures/tenants)')
    .option('--base-url <url>', 'where a running mock is looked for (loopback only); offline: the origin the issuers are built on', 'http://127.0.0.1:9400')
    .addOption(new Option('--issuer-style <style>', 'offline: issuers on the mock\'s origin, or Entra\'s literal ones').choices(['local', 'entra']).default('local'))
    .action(async (opts: MintOptions, command: Command) => {
      if (opts.list) {
        const width = Math.max(...VARIANTS.map((v) => v.name.length));
        const lines = VARIANTS.map((v) => `${v.name.padEnd(width)}  ${v.expect.padEnd(6)}  ${v.description}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      if (opts.idp && opts.offline) throw new CliError('give --idp URL or --offline, not both');
      const what = chosenRecipe(opts);
      // Options only an offline mint can honour: given, they mean the user wants this process to sign.
      const offlineFlags = (['keys', 'tenants', 'issuerStyle'] as const)
        .filter((name) => command.getOptionValueSource(name) === 'cli')
        .map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      const result = opts.idp ? await mintOnline(opts.idp, opts, what) : await mintDefault(opts, what, offlineFlags);
      process.stdout.write(opts.json ? `${JSON.stringify({ token: result.token, header: result.header, claims: result.claims }, null, 2)}\n` : `${result.token}\n`);
    });
}
