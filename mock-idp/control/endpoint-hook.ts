import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSigningKey, type SigningKey } from '../keys/signing-key.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import type { ControlState } from './control-state.ts';
import { entraErrorBody } from '../entra/entra-error.ts';
import { HUGE_JWKS_DEFAULT_KEYS, type Endpoint, type Fault } from './fault-schema.ts';

/**
 * Runs before the mock answers a tenant's discovery, JWKS or token request: logs the request, then
 * applies the active fault. Returns true when the fault has answered (or is deliberately never
 * answering); false means the router answers normally (after the delay, for `slow`).
 */
export async function beforeEndpoint(
  state: ControlState,
  runtime: TenantRuntime,
  endpoint: Endpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  state.requests.record({
    tenant: runtime.tenant.name,
    tenantId: runtime.tenant.id,
    endpoint,
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0],
    at: Date.now(),
  });
  const fault = state.faults.get(runtime.tenant.id, endpoint);
  if (!fault) return false;
  return applyFault(state, runtime, fault, res);
}

async function applyFault(state: ControlState, runtime: TenantRuntime, fault: Fault, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'down':
      send(res, 503, 'application/json; charset=utf-8', JSON.stringify(entraErrorBody(90033, 'temporarily_unavailable', 'A transient error has occurred. Please try again.')), { 'Retry-After': '5' });
      return true;
    case 'timeout':
      state.hold(res);
      return true;
    case 'slow': {
      const waited = await state.delay(fault.delayMs ?? 0);
      if (!waited) {
        res.destroy();
        return true;
      }
      return false;
    }
    case 'garbage':
      // What a captive portal or a misrouted load balancer answers: a 200 that is not JSON at all.
      send(res, 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Service unavailable</h1></body></html>');
      return true;
    case 'malformed-json':
      send(res, 200, 'application/json; charset=utf-8', '{"keys":[{"kty":"RSA","use":"sig","kid":');
      return true;
    case 'empty-keys':
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ keys: [] }));
      return true;
    case 'wrong-key': {
      const body = await wrongKeyJwks(runtime, (res.req?.url ?? '').includes('/v2.0/') ? runtime.issuers.v2 : undefined);
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
      return true;
    }
    case 'huge': {
      const body = await hugeJwks(runtime, (res.req?.url ?? '').includes('/v2.0/') ? runtime.issuers.v2 : undefined, fault.keys ?? HUGE_JWKS_DEFAULT_KEYS);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(body);
      return true;
    }
    case 'rewrite':
      // The router serves the document and rewrites it (control/rewrite-discovery.ts).
      return false;
  }
}

/** The kid of the `n`-th filler key (1-based) of the `huge` fault, e.g. `gatecheck-huge-10000`. */
function hugeFillerKid(n: number): string {
  return `gatecheck-huge-${n}`;
}

const hugeBodies = new WeakMap<KeyStore, { version: number; issuer: string | undefined; count: number; body: Buffer }>();

/**
 * The `huge` fault: the tenant's genuine key set followed by `count` filler keys, each about 1.5 kB
 * with its certificate (10 000 make some 15 MB). The fillers are the tenant's attacker key under kids
 * `gatecheck-huge-1…count`, so a token the attacker signs under the last kid verifies only for a gateway
 * that took in the whole oversized set. Built once per key-store version and size: serving it costs
 * a socket write, not a JSON build per request.
 */
async function hugeJwks(runtime: TenantRuntime, issuer: string | undefined, count: number): Promise<Buffer> {
  const keys = runtime.keys;
  const cached = hugeBodies.get(keys);
  if (cached && cached.version === keys.version && cached.issuer === issuer && cached.count === count) return cached.body;
  const attacker = keys.byState('attacker') ?? (await keys.add('attacker'));
  const filler = attacker.publicJwk(issuer);
  const genuine = keys.jwks(issuer).keys;
  const body = Buffer.from(JSON.stringify({ keys: [...genuine, ...Array.from({ length: count }, (_, i) => ({ ...filler, kid: hugeFillerKid(i + 1) }))] }));
  hugeBodies.set(keys, { version: keys.version, issuer, count, body });
  return body;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

const impostors = new WeakMap<KeyStore, Promise<SigningKey>>();

/**
 * The published kids with another key's modulus and certificate: every signature the tenant makes fails
 * against it, which is what a gateway sees when a JWKS is served from the wrong place or cache.
 */
async function wrongKeyJwks(runtime: TenantRuntime, issuer: string | undefined): Promise<{ keys: Record<string, unknown>[] }> {
  let impostor = impostors.get(runtime.keys);
  if (!impostor) {
    impostor = createSigningKey('attacker', { commonName: 'gatecheck wrong-key fault' });
    impostors.set(runtime.keys, impostor);
  }
  const other = (await impostor).publicJwk();
  const { keys } = runtime.keys.jwks(issuer);
  return { keys: keys.map((k) => ({ ...k, n: other.n, e: other.e, x5c: other.x5c })) };
}
