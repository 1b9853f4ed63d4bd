import { CompactSign } from 'jose';
import type { TenantRuntime } from '../tenant-runtime.ts';
import type { Tenant } from '../tenants/tenant-schema.ts';
import { findTenant } from '../tenant-runtime.ts';
import { applyTamper } from './apply-tamper.ts';
import { MintError } from './mint-error.ts';
import { profileToken } from './profile-token.ts';
import { relativeSeconds } from './relative-time.ts';
import { resolveSigner, type Signer } from './resolve-signer.ts';
import { signerSupports, signInput } from './sign-input.ts';
import { RelativeTimeSchema, TokenRecipeSchema, type MintResult, type ResolvedTokenRecipe, type TokenRecipe } from './token-recipe.ts';

export interface MintOptions {
  /** The mock's other tenants, so `issuerTenant` can name one; a GUID works without them. */
  tenants?: readonly { tenant: Tenant }[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAD_CLAIM = 'gatecheck_padding';

/** Validates a recipe (any JSON) into its resolved form; errors name the offending field. */
export function parseRecipe(input: unknown): ResolvedTokenRecipe {
  const parsed = TokenRecipeSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join('.');
  const field = issue.code === 'unrecognized_keys' ? [path, ...issue.keys].filter(Boolean).join('.') : path;
  throw new MintError('ERR_MINT_INVALID_RECIPE', field, issue.message);
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/**
 * Forges one token for `runtime`'s tenant. Well-formed RSA tokens are signed by jose; everything jose
 * rightly refuses to produce (alg none, unknown `crit`, `b64: false`, raw text, duplicate keys, a header
 * `alg` that lies about the signature) is assembled by hand from the same parts.
 */
export async function mint(runtime: TenantRuntime, input: TokenRecipe | ResolvedTokenRecipe, options: MintOptions = {}): Promise<MintResult> {
  const recipe = parseRecipe(input);
  if (recipe.tenant !== undefined && !findTenant([runtime], recipe.tenant)) {
    throw new MintError('ERR_MINT_INVALID_RECIPE', 'tenant', `recipe is for tenant ${recipe.tenant}, not ${runtime.tenant.name}`);
  }
  recipe.tenant = runtime.tenant.name;

  const signer = await resolveSigner(runtime.keys, recipe.key);
  const base = profileToken(runtime, recipe, signer.kid);
  const claims = base.claims;
  if (recipe.issuerTenant !== undefined) foreignIssuer(runtime, claims, recipe.issuerTenant, options);
  const now = runtime.now();
  const genuine = { claims: { ...claims }, header: { ...base.header }, api: { appId: base.api.appId, appIdUri: base.api.appIdUri } };
  const fill = (value: unknown) => fillTemplates(value, genuine, runtime);
  for (const [name, value] of Object.entries(recipe.claims ?? {})) {
    const relative = RelativeTimeSchema.safeParse(value);
    claims[name] = relative.success ? now + relativeSeconds(relative.data.in) : fill(value);
  }
  for (const name of recipe.omitClaims ?? []) delete claims[name];

  const header: Record<string, unknown> = { ...base.header, alg: signer.defaultAlg };
  if (signer.kind !== 'rsa' && header.x5t) header.x5t = signer.kid;
  for (const what of recipe.embed ?? []) {
    if (signer.kind !== 'rsa') throw new MintError('ERR_MINT_INVALID_RECIPE', 'embed', 'only an RSA signing key can be embedded');
    if (what === 'jwk') {
      const { kty, n, e } = signer.key.publicJwk();
      header.jwk = { kty, n, e, kid: signer.kid };
    } else header.x5c = signer.key.publicJwk().x5c;
  }
  for (const [name, value] of Object.entries(recipe.header ?? {})) header[name] = fill(value);
  for (const name of recipe.omitHeader ?? []) delete header[name];

  const alg = recipe.signWith ?? (signerSupports(signer, header.alg) ? (header.alg as string) : signer.defaultAlg);
  if (recipe.duplicateClaims) recipe.duplicateClaims = fill(recipe.duplicateClaims) as Record<string, unknown>;
  let token = await sign(signer, alg, header, claims, recipe);
  if (recipe.padTo !== undefined && token.length < recipe.padTo) {
    // base64url grows 4 chars per 3 bytes; one correction pass absorbs JSON quoting of the filler.
    claims[PAD_CLAIM] = 'x'.repeat(Math.ceil(((recipe.padTo - token.length) * 3) / 4));
    token = await sign(signer, alg, header, claims, recipe);
    if (token.length < recipe.padTo) {
      claims[PAD_CLAIM] += 'x'.repeat(Math.ceil(((recipe.padTo - token.length) * 3) / 4) + 3);
      token = await sign(signer, alg, header, claims, recipe);
    }
  }
  (recipe.tamper ?? []).forEach((t, i) => (token = applyTamper(token, t, `tamper.${i}`)));
  return { token, header: decodeSegment(token, 0), claims: decodeSegment(token, 1), recipe };
}

async function sign(signer: Signer, alg: string, header: Record<string, unknown>, claims: Record<string, unknown>, recipe: ResolvedTokenRecipe): Promise<string> {
  const payloadText = withDuplicates(recipe.rawPayload ?? JSON.stringify(claims), recipe.rawPayload === undefined ? recipe.duplicateClaims : undefined);
  // jose refuses RSA keys under 2048 bits (RFC 7518 §3.3) and cannot sign for e = 1, so deliberately weak keys are signed by hand.
  const joseCan =
    signer.kind === 'rsa' && signer.key.modulusLength >= 2048 && signer.key.publicExponent !== 1 && recipe.rawHeader === undefined && header.alg === alg && !('crit' in header) && !('b64' in header);
  if (joseCan) {
    return new CompactSign(Buffer.from(payloadText)).setProtectedHeader(header as { alg: string }).sign(signer.key.privateKey);
  }
  const headerText = recipe.rawHeader ?? JSON.stringify(header);
  // RFC 7797: with b64 false the payload goes into the signing input unencoded; the compact form then carries it as is.
  const unencoded = recipe.rawHeader === undefined && header.b64 === false;
  const payloadSegment = unencoded ? payloadText : b64(payloadText);
  const input = `${b64(headerText)}.${payloadSegment}`;
  return `${input}.${signInput(signer, alg, Buffer.from(input)).toString('base64url')}`;
}

const TEMPLATE = /\{\{(claims|header|keys|api)\.([A-Za-z0-9_-]+)\}\}/g;

/**
 * `{{claims.iss}}`, `{{header.kid}}` (the genuine token's values), `{{keys.primary}}` (the kid of the
 * tenant's key in that state) and `{{api.appIdUri}}` / `{{api.appId}}` (the token's API as registered)
 * inside override strings: a recipe stays data yet can say "the real issuer plus a slash" or "this API's
 * App ID URI". A string that is exactly one template takes the value with its JSON type.
 */
function fillTemplates(value: unknown, genuine: { claims: Record<string, unknown>; header: Record<string, unknown>; api: Record<string, unknown> }, runtime: TenantRuntime): unknown {
  const lookup = (ns: string, name: string): unknown => {
    if (ns === 'api') {
      if (name !== 'appIdUri' && name !== 'appId') throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', `{{api.${name}}}`, 'only {{api.appIdUri}} and {{api.appId}} are known');
      if (genuine.api[name] === undefined) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', `{{api.${name}}}`, `the token's API has no ${name}`);
      return genuine.api[name];
    }
    if (ns === 'keys') {
      const kid = runtime.keys.list().findLast((k) => k.state === name)?.kid;
      if (!kid) throw new MintError('ERR_MINT_NO_KEY', `{{keys.${name}}}`, `the tenant has no ${name} key`);
      return kid;
    }
    const source = ns === 'claims' ? genuine.claims : genuine.header;
    if (!(name in source)) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', `{{${ns}.${name}}}`, `the genuine token has no ${ns === 'claims' ? 'claim' : 'header member'} ${name}`);
    return source[name];
  };
  if (typeof value === 'string') {
    const whole = /^\{\{(claims|header|keys|api)\.([A-Za-z0-9_-]+)\}\}$/.exec(value);
    if (whole) return lookup(whole[1], whole[2]);
    return value.replace(TEMPLATE, (_, ns: string, name: string) => String(lookup(ns, name)));
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplates(v, genuine, runtime));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplates(v, genuine, runtime)]));
  return value;
}

function withDuplicates(json: string, duplicates: Record<string, unknown> | undefined): string {
  if (!duplicates || !Object.keys(duplicates).length) return json;
  const extra = Object.entries(duplicates).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
  const body = json.trimEnd().slice(0, -1);
  return `${body}${body.trim() === '{' ? '' : ','}${extra}}`;
}

/** Rewrites `iss` (and v1 `idp`) and `tid` as another tenant of the same cloud would have them. */
function foreignIssuer(runtime: TenantRuntime, claims: Record<string, unknown>, ref: string, options: MintOptions): void {
  const other = options.tenants ? findTenant(options.tenants, ref) : undefined;
  const id = other?.tenant.id ?? (GUID.test(ref) ? ref.toLowerCase() : undefined);
  if (!id) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'issuerTenant', `no tenant "${ref}" (give a tenant GUID or the name of one of the mock's tenants)`);
  const own = runtime.tenant.id;
  for (const name of ['iss', 'idp']) {
    if (typeof claims[name] === 'string') claims[name] = (claims[name] as string).replace(own, id);
  }
  claims.tid = id;
}

function decodeSegment(token: string, index: number): Record<string, unknown> | null {
  const segment = token.split('.')[index];
  if (!segment) return null;
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
