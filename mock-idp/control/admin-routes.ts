import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { entraErrorBody } from '../entra/entra-error.ts';
import { MODULUS_LENGTHS, type ModulusLength, type SigningKey } from '../keys/signing-key.ts';
import { PUBLISHED_STATES } from '../keys/key-store.ts';
import { MintError } from '../mint/mint-error.ts';
import { mintWithTenants } from '../mint/mint-with-tenants.ts';
import type { MintResult, TokenRecipe } from '../mint/token-recipe.ts';
import { findVariant, VARIANTS } from '../mint/variants.ts';
import { deviceCodeRoute } from '../flows/device-code-admin.ts';
import { findTenant, type TenantRuntime } from '../tenant-runtime.ts';
import { AdminError } from './admin-error.ts';
import { ClaimOverrideRequestSchema, resolveTarget } from './claim-overrides.ts';
import type { ControlState } from './control-state.ts';
import { DISCOVERY_ONLY_FAULTS, ENDPOINTS, EndpointSchema, FaultRequestSchema, JWKS_ONLY_FAULTS, LOGGED_ENDPOINTS, LoggedEndpointSchema, type Endpoint } from './fault-schema.ts';

export interface AdminContext {
  state: ControlState;
  tenants: TenantRuntime[];
  /** How the mock mints (so the library, HTTP and CLI faces give one result); defaults to the forge over `tenants`. */
  mint?: (recipe: TokenRecipe) => Promise<MintResult>;
  /** How long gateways may cache the revocation list: how long a revocation may take to reach them. */
  revocationListMaxAgeSeconds?: number;
}

/** Recipes are small; a bound keeps a stray upload from filling memory. */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

const ClockSchema = z.strictObject({ offsetSeconds: z.number().int().min(-10 * 365 * 86_400).max(10 * 365 * 86_400) });
const VariantRequestSchema = z.strictObject({ variant: z.string().min(1) });
const KeyStateSchema = z.strictObject({ state: z.enum(['next', 'primary', 'previous', 'retired', 'attacker']) });
const KeyAddSchema = KeyStateSchema.extend({
  /** 1024 makes a deliberately weak key (RFC 7518 §3.3 requires 2048 or more), for gateways to refuse. */
  modulusLength: z.union(MODULUS_LENGTHS.map((n) => z.literal(n)) as [z.ZodLiteral<ModulusLength>, ...z.ZodLiteral<ModulusLength>[]]).optional(),
  /** A chosen kid (default: the certificate thumbprint, as Entra does), so a case can name the key in its recipe. */
  kid: z.string().min(1).max(200).optional(),
  /** 1 publishes the modulus with e = 1 (signatures anyone can forge); needs `kid`, as no certificate carries it. */
  publicExponent: z.literal(1).optional(),
}).refine((k) => k.publicExponent === undefined || k.kid !== undefined, { path: ['kid'], message: 'an exponent-1 key needs a kid' });
const RotateSchema = z.strictObject({
  /** How long the replaced key stays published as `previous`; absent = until the next rotation. */
  overlapSeconds: z.number().positive().max(30 * 86_400).optional(),
});
const RequestsQuerySchema = z.strictObject({ tenant: z.string().min(1).optional(), endpoint: LoggedEndpointSchema.optional() });

/**
 * Every `/_admin/…` request (the router has already checked loopback or the admin token). JSON in and
 * out; validation failures answer 400 naming the field, unknown tenants 404 in Entra's error shape.
 */
export async function handleAdmin(ctx: AdminContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await route(ctx, req);
    sendJson(res, body.status ?? 200, body.json);
  } catch (e) {
    if (e instanceof AdminError) {
      // A 413 leaves the rest of the body unread on the socket: close it, or the next request on this
      // keep-alive connection is parsed as body bytes and hangs until the server times it out.
      const extra: Record<string, string> = e.status === 405 ? { allow: e.field ?? '' } : e.status === 413 ? { connection: 'close' } : {};
      sendJson(res, e.status, e.body ?? { error: e.error, error_description: e.message, ...(e.field !== undefined ? { field: e.field } : {}) }, extra);
    } else if (e instanceof MintError) {
      const status = e.code === 'ERR_MINT_NO_KEY' ? 409 : 400;
      sendJson(res, status, { error: status === 409 ? 'conflict' : 'invalid_request', error_description: e.message, field: e.field, code: e.code });
    } else {
      throw e;
    }
  }
}

type Answer = { status?: number; json: unknown };

async function route(ctx: AdminContext, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://admin.invalid');
  const method = req.method ?? 'GET';
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new AdminError(400, 'invalid_request', `the path ${url.pathname} is not validly percent-encoded`, { field: 'path' });
  }
  // parts[0] is `_admin`.
  const [, first, ref, section, item, extra] = parts;
  const only = (...allowed: string[]) => {
    if (!allowed.includes(method)) throw new AdminError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`, { field: allowed.join(', ') });
  };

  if (first === 'faults' && parts.length === 2) {
    only('GET');
    return { json: { faults: ctx.state.faults.list() } };
  }
  if (first === 'requests' && parts.length === 2) {
    only('GET', 'DELETE');
    if (method === 'DELETE') {
      const cleared = ctx.state.requests.count();
      ctx.state.requests.clear();
      return { json: { cleared } };
    }
    const query = parse(RequestsQuerySchema, Object.fromEntries(url.searchParams), 'query.');
    const tenantId = query.tenant ? tenantOr404(ctx, query.tenant).tenant.id : undefined;
    const requests = ctx.state.requests.list({ tenant: tenantId, endpoint: query.endpoint });
    const counts = Object.fromEntries(LOGGED_ENDPOINTS.map((e) => [e, requests.filter((r) => r.endpoint === e).length]));
    return {
      json: {
        count: requests.length,
        counts,
        requests: requests.map((r) => ({ tenant: r.tenant, endpoint: r.endpoint, method: r.method, path: r.path, at: new Date(r.at).toISOString() })),
      },
    };
  }
  if (first === 'variants' && parts.length === 2) {
    only('GET');
    return { json: { variants: VARIANTS } };
  }
  if (first === 'tenants' && parts.length === 2) {
    // Also how a client tells a gatecheck mock from whatever else listens on a port (gatecheck mint probes it).
    only('GET');
    return {
      json: {
        tenants: ctx.tenants.map((rt) => ({ tenant: rt.tenant.name, tenantId: rt.tenant.id, domain: rt.tenant.domain, issuer: rt.issuers.v2, jwksUri: rt.urls.jwksV2 })),
      },
    };
  }
  if (first !== 'tenants' || !ref) throw new AdminError(404, 'not_found', `no control route ${method} ${url.pathname}`);

  const rt = tenantOr404(ctx, ref);
  const tenantJson = { tenant: rt.tenant.name, tenantId: rt.tenant.id };

  if (section === 'faults' && item !== undefined && parts.length === 5) {
    only('PUT', 'DELETE');
    const endpoint = parse(EndpointSchema, item, 'endpoint') as Endpoint;
    if (method === 'DELETE') return { json: { ...tenantJson, endpoint, cleared: ctx.state.faults.clear(rt.tenant.id, endpoint) } };
    const request = parse(FaultRequestSchema, await readJson(req));
    if (endpoint !== 'jwks' && JWKS_ONLY_FAULTS.includes(request.kind)) {
      throw new AdminError(400, 'invalid_request', `${request.kind} applies to the jwks endpoint only`, { field: 'kind' });
    }
    if (endpoint !== 'discovery' && DISCOVERY_ONLY_FAULTS.includes(request.kind)) {
      throw new AdminError(400, 'invalid_request', `${request.kind} applies to the discovery endpoint only`, { field: 'kind' });
    }
    return { json: { fault: ctx.state.faults.set(rt.tenant, endpoint, request) } };
  }
  if (section === 'faults' && parts.length === 4) {
    only('DELETE');
    return { json: { ...tenantJson, cleared: ctx.state.faults.clear(rt.tenant.id) } };
  }
  if (section === 'clock' && parts.length === 4) {
    only('GET', 'PUT');
    if (method === 'PUT') rt.clockOffsetSeconds = parse(ClockSchema, await readJson(req)).offsetSeconds;
    return { json: { ...tenantJson, offsetSeconds: rt.clockOffsetSeconds, now: rt.now() } };
  }
  if (section === 'tokens' && parts.length === 4) {
    only('POST');
    const body = await readJson(req);
    const isVariant = body !== null && typeof body === 'object' && 'variant' in body;
    let recipe: TokenRecipe;
    let variant: (typeof VARIANTS)[number] | undefined;
    if (isVariant) {
      const { variant: name } = parse(VariantRequestSchema, body);
      variant = findVariant(name);
      if (!variant) throw new AdminError(400, 'invalid_request', `no variant "${name}"; GET /_admin/variants lists them`, { field: 'variant' });
      recipe = { ...variant.recipe, tenant: rt.tenant.name };
    } else {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AdminError(400, 'invalid_request', 'the body must be a token recipe object or {"variant": name}', { field: '' });
      recipe = { ...(body as TokenRecipe), tenant: rt.tenant.name };
      if ('tenant' in body && (body as { tenant: unknown }).tenant !== undefined && !findTenant([rt], String((body as { tenant: unknown }).tenant))) {
        throw new AdminError(400, 'invalid_request', `the recipe names tenant ${String((body as { tenant: unknown }).tenant)} but the path names ${rt.tenant.name}`, { field: 'tenant' });
      }
    }
    const minted = await (ctx.mint ?? ((r: TokenRecipe) => mintWithTenants(ctx.tenants, r)))(recipe);
    return { json: { ...minted, ...(variant ? { variant: { name: variant.name, expect: variant.expect, reason: variant.reason, level: variant.level } } : {}) } };
  }
  if (section === 'users' && item !== undefined && extra === 'revoke' && parts.length === 6) {
    only('POST');
    parse(z.strictObject({}), await readJson(req, true));
    const want = item.toLowerCase();
    const user = rt.tenant.users.find((u) => u.upn.toLowerCase() === want || u.oid === want);
    if (!user) throw new AdminError(404, 'not_found', `tenant ${rt.tenant.name} has no user ${item} (give the UPN or object id)`, { field: 'user' });
    const revocation = rt.revocations.revokeUser(user, rt.now());
    return { json: { ...tenantJson, revocation, propagationSeconds: ctx.revocationListMaxAgeSeconds ?? 0 } };
  }
  if (section === 'sessions' && item !== undefined && extra === 'revoke' && parts.length === 6) {
    only('POST');
    parse(z.strictObject({}), await readJson(req, true));
    if (!/^[\x21-\x7e]{1,200}$/.test(item)) throw new AdminError(400, 'invalid_request', 'a session id is 1 to 200 printable characters', { field: 'sid' });
    const revocation = rt.revocations.revokeSession(item, rt.now());
    return { json: { ...tenantJson, revocation, propagationSeconds: ctx.revocationListMaxAgeSeconds ?? 0 } };
  }
  if (section === 'revocations' && parts.length === 4) {
    only('GET', 'DELETE');
    if (method === 'DELETE') return { json: { ...tenantJson, cleared: rt.revocations.clear() } };
    return { json: { ...tenantJson, revocations: rt.revocations.list(), list: rt.urls.revocations } };
  }
  if (section === 'claim-overrides' && parts.length === 4) {
    // PUT sets (or replaces) one client's or user's override, GET lists them, DELETE clears them all.
    only('GET', 'PUT', 'DELETE');
    if (method === 'DELETE') return { json: { ...tenantJson, cleared: rt.claimOverrides.clear() } };
    if (method === 'GET') return { json: { ...tenantJson, overrides: rt.claimOverrides.list() } };
    const request = parse(ClaimOverrideRequestSchema, await readJson(req));
    const target = resolveTarget(rt.tenant, request);
    if (!target) {
      const field = request.client !== undefined ? 'client' : 'user';
      const what = field === 'client' ? 'client or managed identity (client id or name)' : 'user (UPN or object id)';
      throw new AdminError(400, 'invalid_request', `${field}: tenant ${rt.tenant.name} has no ${what} ${request.client ?? request.user}`, { field });
    }
    return { json: { ...tenantJson, override: rt.claimOverrides.set(target, request.claims, request.count) } };
  }
  if (section === 'keys') return keyRoute(ctx, rt, method, item, extra, req, only, parts.length);
  if (section === 'checkpoints') return checkpointRoute(ctx, rt, method, item, extra, req, only, parts.length);
  if (section === 'device-codes') return deviceCodeRoute(rt, method, parts.slice(4), req);

  throw new AdminError(404, 'not_found', `no control route ${method} ${url.pathname}`);
}

/**
 * `POST …/checkpoints` records the tenant's keys (which, in which order and states), clock offset,
 * faults, revocations and claim overrides; `POST …/checkpoints/{id}/restore` puts them back; `DELETE …/checkpoints/{id}` forgets one.
 * The keys stay in the mock: the answer names kids and states only.
 */
async function checkpointRoute(
  ctx: AdminContext,
  rt: TenantRuntime,
  method: string,
  item: string | undefined,
  extra: string | undefined,
  req: IncomingMessage,
  only: (...m: string[]) => void,
  depth: number,
): Promise<Answer> {
  const checkpoints = ctx.state.checkpoints;
  const unknown = (id: string) =>
    new AdminError(404, 'not_found', `tenant ${rt.tenant.name} has no checkpoint ${id} (taken on another tenant, forgotten, or more than the latest few)`, { field: 'checkpoint' });
  if (depth === 4) {
    only('POST');
    parse(z.strictObject({}), await readJson(req, true));
    return { status: 201, json: checkpoints.take(rt) };
  }
  if (item !== undefined && depth === 6 && extra === 'restore') {
    only('POST');
    parse(z.strictObject({}), await readJson(req, true));
    const restored = checkpoints.restore(rt, item);
    if (!restored) throw unknown(item);
    return { json: { ...restored, keys: rt.keys.list().map(describeKey), offsetSeconds: rt.clockOffsetSeconds } };
  }
  if (item !== undefined && depth === 5) {
    only('DELETE');
    if (!checkpoints.release(rt, item)) throw unknown(item);
    return { json: { released: item } };
  }
  throw new AdminError(404, 'not_found', `no control route ${method} under /checkpoints`);
}

async function keyRoute(
  ctx: AdminContext,
  rt: TenantRuntime,
  method: string,
  item: string | undefined,
  extra: string | undefined,
  req: IncomingMessage,
  only: (...m: string[]) => void,
  depth: number,
): Promise<Answer> {
  const keys = rt.keys;
  if (depth === 4) {
    only('GET', 'POST');
    if (method === 'GET') return { json: { tenant: rt.tenant.name, keys: keys.list().map(describeKey) } };
    const { state, modulusLength, kid, publicExponent } = parse(KeyAddSchema, await readJson(req));
    if (kid !== undefined && keys.find(kid)) throw new AdminError(409, 'conflict', `tenant ${rt.tenant.name} already has a key with kid ${kid}`, { field: 'kid' });
    return { status: 201, json: { key: describeKey(await keys.add(state, undefined, { modulusLength, kid, publicExponent })) } };
  }
  if (item === 'rotate' && depth === 5) {
    only('POST');
    const { overlapSeconds } = parse(RotateSchema, await readJson(req, true));
    const { primary, previous, next } = await keys.rotate();
    let retiresAt: string | undefined;
    if (previous && overlapSeconds !== undefined) {
      const kid = previous.kid;
      const restores = keys.restores;
      retiresAt = new Date(Date.now() + overlapSeconds * 1000).toISOString();
      // Only if nobody moved the key meanwhile: an explicit state change or a restored checkpoint wins over the timer.
      ctx.state.schedule(overlapSeconds * 1000, () => {
        if (keys.restores === restores && keys.find(kid)?.state === 'previous') keys.setState(kid, 'retired');
      });
    }
    return {
      json: {
        primary: describeKey(primary),
        ...(previous ? { previous: { ...describeKey(previous), ...(retiresAt ? { retiresAt } : {}) } } : {}),
        next: describeKey(next),
      },
    };
  }
  if (item !== undefined && depth === 5 && extra === undefined) {
    only('PUT', 'DELETE');
    if (!keys.find(item)) throw new AdminError(404, 'not_found', `tenant ${rt.tenant.name} has no key with kid ${item}`, { field: 'kid' });
    if (method === 'DELETE') {
      if (keys.find(item)?.state === 'primary') throw new AdminError(409, 'conflict', 'the primary key cannot be removed; rotate first', { field: 'kid' });
      keys.remove(item);
      return { json: { removed: item } };
    }
    const { state } = parse(KeyStateSchema, await readJson(req));
    return { json: { key: describeKey(keys.setState(item, state)) } };
  }
  throw new AdminError(404, 'not_found', `no control route ${method} under /keys`);
}

/** What the control API may say about a key: never the private half. */
function describeKey(k: SigningKey): { kid: string; state: string; published: boolean; modulusLength: number; publicExponent?: 1; createdAt: string } {
  return {
    kid: k.kid,
    state: k.state,
    published: PUBLISHED_STATES.includes(k.state),
    modulusLength: k.modulusLength,
    ...(k.publicExponent === 1 ? { publicExponent: 1 as const } : {}),
    createdAt: k.createdAt.toISOString(),
  };
}

function tenantOr404(ctx: AdminContext, ref: string): TenantRuntime {
  const rt = findTenant(ctx.tenants, ref);
  if (!rt) {
    throw new AdminError(404, 'invalid_tenant', `unknown tenant ${ref}`, {
      body: entraErrorBody(90002, 'invalid_tenant', `Tenant '${ref}' not found. Known tenants: ${ctx.tenants.map((t) => t.tenant.name).join(', ')}.`) as unknown as Record<string, unknown>,
    });
  }
  return rt;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join('.');
  const field = issue.code === 'unrecognized_keys' ? [path, ...issue.keys].filter(Boolean).join('.') : path;
  const name = prefix.endsWith('.') ? `${prefix}${field}` : prefix || field;
  throw new AdminError(400, 'invalid_request', `${name ? `${name}: ` : ''}${issue.message}`, { field: name });
}

async function readJson(req: IncomingMessage, emptyIsObject = false): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_ADMIN_BODY_BYTES) {
    req.resume();
    throw new AdminError(413, 'request_too_large', `the body must not exceed ${MAX_ADMIN_BODY_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY_BYTES) {
      req.resume();
      throw new AdminError(413, 'request_too_large', `the body must not exceed ${MAX_ADMIN_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) {
    if (emptyIsObject) return {};
    throw new AdminError(400, 'invalid_request', 'a JSON body is required', { field: '' });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AdminError(400, 'invalid_request', `the body is not JSON (${(e as Error).message})`, { field: '' });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}
