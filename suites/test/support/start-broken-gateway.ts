import { createHmac, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { request } from 'undici';
import type { TargetProfile } from '../../../gateway-under-test/index.ts';

/**
 * One deliberate validation mistake each ("the suite has teeth"). `none` is the honest baseline: the
 * same small gateway with every check in place, so a case that fails against a faulty build and passes
 * against the baseline was failed by the fault and nothing else. Each fault is a mistake real
 * validators have shipped; the comment beside it says which shape.
 */
export const BROKEN_GATEWAY_FAULTS = [
  'none',
  // claims
  'no-audience-check',
  'exp-not-required',
  'exp-inclusive', // now <= exp instead of now < exp: a token is still accepted during its exp second
  'nbf-ignored',
  'issuer-not-checked',
  'issuer-prefix-match', // iss.startsWith(trusted): a tenant or path appended still passes
  // verified-token cache
  'cache-ignores-exp',
  'cache-ignores-exp-admits-on-second-sighting', // stores a token on its second verification only, then ignores exp
  'cache-serves-expired-under-skew', // the cache adds the declared skew on top of a verdict that already had it
  // algorithm and signature
  'alg-none-accepted',
  'signature-not-checked', // decode only
  'alg-from-header', // verifies with whatever alg the header names, so RS512/PS256 with the genuine key pass
  'hmac-key-confusion', // HS256 verified with the RSA key's SPKI PEM as the HMAC secret
  'hmac-key-confusion-crlf-key-file', // the same, with the PEM as a Windows key file holds it (CRLF)
  'hmac-only-with-public-key', // verifies HS256 only, keyed with the RSA key's PEM: refuses every genuine token, accepts forged ones
  'lax-base64url-decoder', // skips characters outside the alphabet instead of refusing the token
  // key selection
  'unknown-kid-skips-verification', // lookup returns nothing for an unknown kid and the check is skipped
  'absent-kid-skips-verification', // the same for a token without kid
  'missing-key-verifies-empty-hmac', // no key found → HMAC with an empty secret (jsonwebtoken's `secret || ''`)
  'embedded-jwk-trusted', // verifies with the jwk the token carries
  'jku-followed', // fetches the key set the token's jku names
  'jwks-refetch-every-unknown-kid',
  'jwks-outage-fails-open', // a failed key-set fetch lets the token through unverified
  // authorisation
  'role-substring-match', // roles.some((r) => r.includes(required))
  'role-prefix-match', // required.startsWith(role): a truncated role grants the full one
  'role-case-insensitive',
  'scope-substring-match', // scp.includes(required) on the whole string
  // forwarding
  'claim-headers-passed-through',
  'claim-headers-stripped-exact-case-only', // strips X-User-Id but not x-user-id
  'claim-headers-overwritten-not-stripped', // replaces headers it sets, leaves the client's copy when the claim is absent
  'claim-headers-kept-on-anonymous-route',
  // rate limiting
  'rate-limit-unverified-key',
  // continuous access evaluation
  'cae-ignored', // declares CAE, never looks at the revocation list
  'cae-revokes-whole-user', // refuses every CAE-capable token of a revoked user, also those issued after the revocation
  'cae-unchecked-on-cache-hit', // looks the revocation up only when it verifies a token, not when it serves one from its cache
] as const;
export type BrokenGatewayFault = (typeof BROKEN_GATEWAY_FAULTS)[number];

export interface BrokenGatewayOptions {
  fault: BrokenGatewayFault;
  issuer: string;
  jwksUri: string;
  audience: string;
  upstreamUrl: string;
  /** Declared and honoured clock skew (default 0). */
  clockSkewSeconds?: number;
  /** The mock's revocation list: with it the gateway declares and does continuous access evaluation. */
  revocationListUrl?: string;
}

export interface BrokenGateway {
  url: string;
  profile: TargetProfile;
  stop(): Promise<void>;
}

const CLAIM_HEADERS = { userId: 'X-User-Id', tenantId: 'X-Tenant-Id', clientId: 'X-Client-Id', roles: 'X-Roles', scopes: 'X-Scopes' };
const RESERVED = new Set(Object.values(CLAIM_HEADERS).map((h) => h.toLowerCase()));
const RATE = { limit: 5, windowSeconds: 10 };
/** Short, like the embedded reference's, so IdP-fault cases can wait it out. */
const UNKNOWN_KID_COOLDOWN_MS = 1000;
const REQUIRED = 'Orders.Read';
const B64URL = /^[A-Za-z0-9_-]*$/;

type Claims = Record<string, unknown>;
interface HeldKey {
  jwk: JWK;
  key: KeyObject;
}

/** A tiny node:http gateway in the shape of the reference one (routes, claims contract, 401/403/429). */
export async function startBrokenGateway(options: BrokenGatewayOptions): Promise<BrokenGateway> {
  const { fault } = options;
  const skew = options.clockSkewSeconds ?? 0;
  const keys = new Map<string, HeldKey>();
  let lastRefetch = 0;
  let inflight: Promise<boolean> | null = null;
  const fetchKeys = (): Promise<boolean> => {
    // The refetch-happy build does not even coalesce concurrent fetches: every unknown kid is a request.
    if (fault === 'jwks-refetch-every-unknown-kid') return loadKeys();
    return (inflight ??= loadKeys().finally(() => (inflight = null)));
  };
  /** Resolves whether a usable key set arrived. */
  const loadKeys = async (): Promise<boolean> => {
    try {
      const fetched = await fetchJwks(options.jwksUri);
      if (fetched.size === 0) return false;
      for (const [kid, held] of fetched) keys.set(kid, held);
      return true;
    } catch {
      return false; // keep what is cached: stale keys beat no keys while the IdP is down
    }
  };
  await fetchKeys();

  const cache = new Map<string, Claims>();
  const sightings = new Set<string>();
  const counters = new Map<string, number[]>();
  const limited = (key: string) => {
    const now = Date.now();
    const hits = (counters.get(key) ?? []).filter((t) => t > now - RATE.windowSeconds * 1000);
    counters.set(key, hits);
    if (hits.length >= RATE.limit) return true;
    hits.push(now);
    return false;
  };

  /** Whether the signature holds, the way this build checks it. */
  async function signatureHolds(token: string, header: Record<string, unknown>): Promise<boolean> {
    if (fault === 'signature-not-checked') return true;
    if (fault === 'alg-none-accepted' && String(header.alg).toLowerCase() === 'none') return true; // the classic: an unsecured JWS taken at its word
    const alg = header.alg;
    const kid = header.kid;
    const hmacHolds = (secret: Buffer | string) => {
      const [h, p, s] = token.split('.');
      const mac = createHmac('sha256', secret).update(`${h}.${p}`).digest();
      const sig = Buffer.from(s ?? '', 'base64url');
      return sig.length === mac.length && timingSafeEqual(sig, mac);
    };
    if (fault === 'embedded-jwk-trusted' && header.jwk && typeof header.jwk === 'object') {
      try {
        return await verifies(token, createPublicKey({ key: header.jwk as JWK, format: 'jwk' }), String(alg));
      } catch {
        return false;
      }
    }
    if (fault === 'jku-followed' && typeof header.jku === 'string') {
      try {
        const set = await fetchJwks(new URL(header.jku).href);
        const held = (typeof kid === 'string' && set.get(kid)) || [...set.values()][0];
        return !!held && (await verifies(token, held.key, String(alg)));
      } catch {
        return false;
      }
    }
    let held: HeldKey | undefined;
    if (typeof kid === 'string') {
      held = keys.get(kid);
      if (!held && (fault === 'jwks-refetch-every-unknown-kid' || Date.now() - lastRefetch > UNKNOWN_KID_COOLDOWN_MS)) {
        lastRefetch = Date.now();
        const ok = await fetchKeys();
        if (!ok && fault === 'jwks-outage-fails-open') return true;
        held = keys.get(kid);
      }
      if (!held && fault === 'unknown-kid-skips-verification') return true;
    } else if (kid === undefined) {
      if (fault === 'absent-kid-skips-verification') return true;
    }
    if (!held) {
      if (fault === 'missing-key-verifies-empty-hmac' && typeof alg === 'string' && alg.startsWith('HS')) return hmacHolds('');
      return false;
    }
    if (alg === 'HS256' && (fault === 'hmac-key-confusion' || fault === 'hmac-only-with-public-key')) return hmacHolds(held.key.export({ type: 'spki', format: 'pem' }) as string);
    if (fault === 'hmac-only-with-public-key') return false;
    if (alg === 'HS256' && fault === 'hmac-key-confusion-crlf-key-file') {
      return hmacHolds((held.key.export({ type: 'spki', format: 'pem' }) as string).replace(/\n/g, '\r\n'));
    }
    if (fault === 'alg-from-header' && typeof alg === 'string' && /^(RS|PS)(256|384|512)$/.test(alg)) return verifies(token, held.key, alg);
    if (alg !== 'RS256') return false;
    return verifies(token, held.key, 'RS256');
  }

  async function verify(raw: string): Promise<Claims | 'invalid'> {
    const cached = cache.get(raw);
    const nowMs = Date.now();
    if (cached) {
      if (fault === 'cache-ignores-exp' || fault === 'cache-ignores-exp-admits-on-second-sighting') return cached;
      const until = typeof cached.exp === 'number' ? cached.exp + skew * (fault === 'cache-serves-expired-under-skew' ? 2 : 1) : 0;
      return until * 1000 > nowMs ? cached : 'invalid';
    }
    let token = raw;
    const segments = raw.split('.');
    if (segments.length !== 3) return 'invalid';
    if (!segments.every((s) => B64URL.test(s))) {
      if (fault !== 'lax-base64url-decoder') return 'invalid';
      token = segments.map((s) => s.replace(/[^A-Za-z0-9_-]/g, '')).join('.');
    }
    let header: Record<string, unknown>, payload: Claims;
    try {
      header = decodeProtectedHeader(token) as Record<string, unknown>;
      payload = decodeJwt(token);
    } catch {
      return 'invalid';
    }
    if (Array.isArray(header.crit)) return 'invalid'; // this gateway understands no extension
    if (!(await signatureHolds(token, header))) return 'invalid';
    const now = nowMs / 1000;
    const iss = payload.iss;
    if (fault !== 'issuer-not-checked') {
      if (typeof iss !== 'string') return 'invalid';
      if (fault === 'issuer-prefix-match' ? !iss.startsWith(options.issuer) : iss !== options.issuer) return 'invalid';
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (fault !== 'no-audience-check' && !aud.includes(options.audience)) return 'invalid';
    if (payload.exp === undefined && fault !== 'exp-not-required') return 'invalid';
    if (payload.exp !== undefined && (typeof payload.exp !== 'number' || (fault === 'exp-inclusive' ? payload.exp + skew < Math.floor(now) : payload.exp + skew <= now))) return 'invalid';
    if (payload.nbf !== undefined && fault !== 'nbf-ignored' && (typeof payload.nbf !== 'number' || payload.nbf - skew > now)) return 'invalid';
    if (fault !== 'cache-ignores-exp-admits-on-second-sighting' || sightings.has(raw)) cache.set(raw, payload);
    else sightings.add(raw);
    return payload;
  }

  const grants = (claims: Claims): boolean => {
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const scp = typeof claims.scp === 'string' ? claims.scp : '';
    const roleMatches = (r: string) => {
      if (fault === 'role-substring-match') return r.includes(REQUIRED);
      if (fault === 'role-prefix-match') return r.length > 0 && REQUIRED.startsWith(r);
      if (fault === 'role-case-insensitive') return r.toLowerCase() === REQUIRED.toLowerCase();
      return r === REQUIRED;
    };
    if (roles.some(roleMatches)) return true;
    return fault === 'scope-substring-match' ? scp.includes(REQUIRED) : scp.split(' ').includes(REQUIRED);
  };

  /**
   * Continuous access evaluation, the simple way: the revocation list is read on every request. A
   * CAE-capable token (xms_cc cp1) of a revoked user or session issued before the revocation is
   * refused; the answer is the revocation's notBefore, for the claims challenge.
   */
  async function revocation(claims: Claims): Promise<number | undefined> {
    if (!options.revocationListUrl || fault === 'cae-ignored') return undefined;
    if (!Array.isArray(claims.xms_cc) || !claims.xms_cc.some((c) => String(c).toLowerCase() === 'cp1')) return undefined;
    const res = await request(options.revocationListUrl, { headersTimeout: 2000, bodyTimeout: 2000 });
    const list = (await res.body.json()) as { tenantId: string; revocations: { oid?: string; sid?: string; notBefore: number }[] };
    if (list.tenantId !== claims.tid) return undefined;
    const hit = list.revocations.find((r) => (r.oid !== undefined && r.oid === claims.oid) || (r.sid !== undefined && r.sid === claims.sid));
    if (!hit) return undefined;
    if (fault === 'cae-revokes-whole-user') return hit.notBefore;
    return typeof claims.iat === 'number' && claims.iat >= hit.notBefore ? undefined : hit.notBefore;
  }

  /** The client's headers minus what must never reach the upstream, as this build decides it. */
  const forwardedHeaders = (req: IncomingMessage, claims: Claims | null): string[] => {
    const out: string[] = [];
    const raw = req.rawHeaders;
    const setsHeader = (lower: string) => {
      if (!claims) return false;
      const c = claimValues(claims);
      return Object.entries(CLAIM_HEADERS).some(([k, name]) => name.toLowerCase() === lower && c[k as keyof typeof CLAIM_HEADERS] !== undefined);
    };
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'host' || lower === 'connection') continue;
      if (RESERVED.has(lower) || RESERVED.has(lower.replaceAll('_', '-'))) {
        const strip =
          fault === 'claim-headers-passed-through'
            ? false
            : fault === 'claim-headers-stripped-exact-case-only'
              ? Object.values(CLAIM_HEADERS).includes(name)
              : fault === 'claim-headers-overwritten-not-stripped'
                ? setsHeader(lower)
                : fault === 'claim-headers-kept-on-anonymous-route'
                  ? claims !== null
                  : true;
        if (strip) continue;
      }
      out.push(name, raw[i + 1]);
    }
    if (claims) for (const [k, v] of Object.entries(claimValues(claims))) if (v !== undefined) out.push(CLAIM_HEADERS[k as keyof typeof CLAIM_HEADERS], v);
    return out;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) return proxy(req, res, forwardedHeaders(req, null));
    const rateLimited = path.startsWith('/api/limited');
    if (!path.startsWith('/api/orders') && !rateLimited) return send(res, 404);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405);
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
    const cacheHit = cache.has(token);
    const claims = await verify(token);
    if (claims === 'invalid') return send(res, 401, 'Bearer realm="broken", error="invalid_token"');
    const revokedFrom = fault === 'cae-unchecked-on-cache-hit' && cacheHit ? undefined : await revocation(claims);
    if (revokedFrom !== undefined) {
      const challenge = Buffer.from(JSON.stringify({ access_token: { nbf: { essential: true, value: String(revokedFrom) } } })).toString('base64');
      return send(res, 401, `Bearer realm="broken", error="insufficient_claims", claims="${challenge}"`);
    }
    if (!grants(claims)) return send(res, 403, `Bearer realm="broken", error="insufficient_scope", scope="${REQUIRED}"`);
    if (rateLimited && fault !== 'rate-limit-unverified-key' && limited(`${String(claims.tid)} ${String(claims.sub)}`)) {
      return send(res, 429, undefined, { 'retry-after': String(RATE.windowSeconds) });
    }
    return proxy(req, res, forwardedHeaders(req, claims));
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, headers: string[]): Promise<void> {
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
  const requirement = { values: [REQUIRED], claims: ['roles', 'scp'], match: 'any' as const, separator: ' ' };
  const profile: TargetProfile = {
    name: `broken:${fault}`,
    issuers: [{ issuer: options.issuer, algorithms: ['RS256'], keySource: 'jwks', jwksUri: options.jwksUri, audiences: [options.audience] }],
    audiences: [options.audience],
    routes: [
      { path: '/health', methods: ['GET'], auth: 'anonymous', forwardAuthorization: false },
      { path: '/api/orders*', methods: ['GET'], auth: 'required', require: requirement, forwardAuthorization: false },
      { path: '/api/limited*', methods: ['GET'], auth: 'required', require: requirement, forwardAuthorization: false, rateLimit: 'per-caller' },
    ],
    claimHeaders: CLAIM_HEADERS,
    rateLimits: { 'per-caller': { key: ['tid', 'sub'], ...RATE } },
    clockSkewSeconds: skew,
    tokenLocations: ['header'],
    token: { types: ['JWT', 'at+jwt'], requireType: false, requireExp: true, rejectFutureIat: false, kidAbsent: 'reject', requiredClaims: [] },
    jwks: { refreshSeconds: 3600, unknownKidCooldownSeconds: UNKNOWN_KID_COOLDOWN_MS / 1000, staleIfErrorSeconds: 86_400 },
    features: ['rfc6750-challenges', 'claim-headers', 'strip-client-claim-headers', 'strip-authorization', 'rate-limit', 'idp-faults', 'key-rotation', ...(options.revocationListUrl ? ['cae'] : [])],
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

/** The RSA keys of a JWKS by kid, as node KeyObjects (so any RSA alg can be tried with them). */
async function fetchJwks(url: string): Promise<Map<string, HeldKey>> {
  const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`JWKS answered ${res.statusCode}`);
  }
  const body = (await res.body.json()) as { keys?: JWK[] };
  const out = new Map<string, HeldKey>();
  for (const jwk of body.keys ?? []) if (jwk.kid && jwk.kty === 'RSA') out.set(jwk.kid, { jwk, key: createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }) });
  return out;
}

async function verifies(token: string, key: KeyObject, alg: string): Promise<boolean> {
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

/** The claims contract: X-User-Id (oid, else sub), X-Tenant-Id, X-Client-Id (azp, else appid), X-Roles and X-Scopes comma-joined. */
function claimValues(claims: Claims): Record<keyof typeof CLAIM_HEADERS, string | undefined> {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string' && r.length > 0) : [];
  const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  return {
    userId: str(claims.oid) ?? str(claims.sub),
    tenantId: str(claims.tid),
    clientId: str(claims.azp) ?? str(claims.appid),
    roles: roles.length ? roles.join(',') : undefined,
    scopes: scopes.length ? scopes.join(',') : undefined,
  };
}

function send(res: ServerResponse, status: number, challenge?: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(challenge ? { 'www-authenticate': challenge } : {}), ...extra });
  res.end(JSON.stringify({ status }));
}
