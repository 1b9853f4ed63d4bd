import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { request } from 'undici';
import type { TargetProfile } from '../../../gateway-under-test/index.ts';

/**
 * One deliberate validation mistake each (issue 5 "the suite has teeth"). `none` is the honest
 * baseline: the same small gateway with every check in place, so a case that fails against a faulty
 * build and passes against the baseline was failed by the fault and nothing else.
 */
export const BROKEN_GATEWAY_FAULTS = [
  'none',
  'no-audience-check',
  'alg-none-accepted',
  'exp-not-required',
  'cache-ignores-exp',
  'jwks-refetch-every-unknown-kid',
  'claim-headers-passed-through',
  'rate-limit-unverified-key',
] as const;
export type BrokenGatewayFault = (typeof BROKEN_GATEWAY_FAULTS)[number];

export interface BrokenGatewayOptions {
  fault: BrokenGatewayFault;
  issuer: string;
  jwksUri: string;
  audience: string;
  upstreamUrl: string;
}

export interface BrokenGateway {
  url: string;
  profile: TargetProfile;
  stop(): Promise<void>;
}

const CLAIM_HEADERS = { userId: 'X-User-Id', tenantId: 'X-Tenant-Id', clientId: 'X-Client-Id', roles: 'X-Roles', scopes: 'X-Scopes' };
const RESERVED = new Set(Object.values(CLAIM_HEADERS).map((h) => h.toLowerCase()));
const RATE = { limit: 5, windowSeconds: 10 };
const UNKNOWN_KID_COOLDOWN_MS = 30_000;

type Claims = Record<string, unknown>;

/** A tiny node:http gateway in the shape of the reference one (routes, claims contract, 401/403/429). */
export async function startBrokenGateway(options: BrokenGatewayOptions): Promise<BrokenGateway> {
  const { fault } = options;
  const keys = new Map<string, Awaited<ReturnType<typeof importJWK>>>();
  let lastRefetch = 0;
  let inflight: Promise<void> | null = null;
  const fetchKeys = (): Promise<void> => {
    // The refetch-happy build does not even coalesce concurrent fetches: every unknown kid is a request.
    if (fault === 'jwks-refetch-every-unknown-kid') return loadKeys();
    return (inflight ??= loadKeys().finally(() => (inflight = null)));
  };
  const loadKeys = async (): Promise<void> => {
    try {
      const res = await request(options.jwksUri, { headersTimeout: 2000, bodyTimeout: 2000 });
      if (res.statusCode !== 200) return void (await res.body.dump());
      const body = (await res.body.json()) as { keys?: JWK[] };
      for (const jwk of body.keys ?? []) if (jwk.kid && jwk.kty === 'RSA') keys.set(jwk.kid, await importJWK({ ...jwk, alg: 'RS256' }, 'RS256'));
    } catch {
      // keep what is cached: stale keys beat no keys while the IdP is down
    }
  };
  await fetchKeys();

  const cache = new Map<string, Claims>();
  const counters = new Map<string, number[]>();
  const limited = (key: string) => {
    const now = Date.now();
    const hits = (counters.get(key) ?? []).filter((t) => t > now - RATE.windowSeconds * 1000);
    counters.set(key, hits);
    if (hits.length >= RATE.limit) return true;
    hits.push(now);
    return false;
  };

  async function verify(token: string): Promise<Claims | 'invalid'> {
    const cached = cache.get(token);
    if (cached) {
      if (fault === 'cache-ignores-exp') return cached;
      return typeof cached.exp === 'number' && cached.exp * 1000 > Date.now() ? cached : 'invalid';
    }
    let header, payload: Claims;
    try {
      header = decodeProtectedHeader(token);
      payload = decodeJwt(token);
    } catch {
      return 'invalid';
    }
    if (fault === 'alg-none-accepted' && String(header.alg).toLowerCase() === 'none') {
      // the classic: an unsecured JWS taken at its word
    } else {
      if (header.alg !== 'RS256' || typeof header.kid !== 'string') return 'invalid';
      if (!keys.has(header.kid) && (fault === 'jwks-refetch-every-unknown-kid' || Date.now() - lastRefetch > UNKNOWN_KID_COOLDOWN_MS)) {
        lastRefetch = Date.now();
        await fetchKeys();
      }
      const key = keys.get(header.kid);
      if (!key) return 'invalid';
      try {
        await compactVerify(token, key, { algorithms: ['RS256'] });
      } catch {
        return 'invalid';
      }
    }
    const now = Date.now() / 1000;
    if (payload.iss !== options.issuer) return 'invalid';
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (fault !== 'no-audience-check' && !aud.includes(options.audience)) return 'invalid';
    if (payload.exp === undefined && fault !== 'exp-not-required') return 'invalid';
    if (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp <= now)) return 'invalid';
    if (typeof payload.nbf === 'number' && payload.nbf > now) return 'invalid';
    cache.set(token, payload);
    return payload;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const rateLimited = path.startsWith('/api/limited');
    if (!path.startsWith('/api/orders') && !rateLimited) return send(res, 404);
    const auth: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'authorization') auth.push(req.rawHeaders[i + 1]);
    if (auth.length > 1) return send(res, 400, 'Bearer realm="broken", error="invalid_request"');
    const m = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(auth[0] ?? '');
    if (!m) return send(res, 401, 'Bearer realm="broken"');
    const token = m[1];
    if (rateLimited && fault === 'rate-limit-unverified-key') {
      let sub = '';
      try {
        sub = String(decodeJwt(token).sub);
      } catch {
        // unparsable tokens share one bucket
      }
      if (limited(sub)) return send(res, 429, undefined, { 'retry-after': String(RATE.windowSeconds) });
    }
    const claims = await verify(token);
    if (claims === 'invalid') return send(res, 401, 'Bearer realm="broken", error="invalid_token"');
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    if (!roles.includes('Orders.Read') && !scopes.includes('Orders.Read')) {
      return send(res, 403, 'Bearer realm="broken", error="insufficient_scope", scope="Orders.Read"');
    }
    if (rateLimited && fault !== 'rate-limit-unverified-key' && limited(`${String(claims.tid)} ${String(claims.sub)}`)) {
      return send(res, 429, undefined, { 'retry-after': String(RATE.windowSeconds) });
    }
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      if (name === 'authorization' || name === 'host' || name === 'connection') continue;
      if (RESERVED.has(name) && fault !== 'claim-headers-passed-through') continue;
      headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const add = (name: string, v: unknown) => {
      if (v !== undefined) headers.push(name, Array.isArray(v) ? v.join(',') : String(v));
    };
    add(CLAIM_HEADERS.userId, claims.oid ?? claims.sub);
    add(CLAIM_HEADERS.tenantId, claims.tid);
    add(CLAIM_HEADERS.clientId, claims.azp ?? claims.appid);
    add(CLAIM_HEADERS.roles, claims.roles);
    const up = await request(`${options.upstreamUrl}${req.url}`, { method: 'GET', headers });
    const body = await up.body.text();
    res.writeHead(up.statusCode, { 'content-type': 'application/json' }).end(body);
  }

  const server = createServer((req, res) => {
    req.resume();
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile: TargetProfile = {
    name: `broken:${fault}`,
    issuers: [{ issuer: options.issuer, algorithms: ['RS256'], keySource: 'jwks', jwksUri: options.jwksUri, audiences: [options.audience] }],
    audiences: [options.audience],
    routes: [
      { path: '/api/orders*', methods: ['GET'], auth: 'required', require: { values: ['Orders.Read'], claims: ['roles', 'scp'], match: 'any', separator: ' ' }, forwardAuthorization: false },
      { path: '/api/limited*', methods: ['GET'], auth: 'required', require: { values: ['Orders.Read'], claims: ['roles', 'scp'], match: 'any', separator: ' ' }, forwardAuthorization: false, rateLimit: 'per-caller' },
    ],
    claimHeaders: CLAIM_HEADERS,
    rateLimits: { 'per-caller': { key: ['tid', 'sub'], ...RATE } },
    clockSkewSeconds: 0,
    tokenLocations: ['header'],
    token: { types: ['JWT', 'at+jwt'], requireType: false, requireExp: true, rejectFutureIat: false, kidAbsent: 'reject', requiredClaims: [] },
    jwks: { refreshSeconds: 3600, unknownKidCooldownSeconds: UNKNOWN_KID_COOLDOWN_MS / 1000, staleIfErrorSeconds: 86_400 },
    features: ['rfc6750-challenges', 'claim-headers', 'strip-client-claim-headers', 'strip-authorization', 'rate-limit', 'idp-faults', 'key-rotation'],
  };
  return {
    url,
    profile,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, challenge?: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(challenge ? { 'www-authenticate': challenge } : {}), ...extra });
  res.end(JSON.stringify({ status }));
}
