import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../keys/signing-key.ts';
import { publicKeyBytes } from '../mint/public-key-bytes.ts';
import { PUBLIC_KEY_ENCODINGS } from '../mint/token-recipe.ts';
import { VARIANT_TARGET, type RejectReason } from '../mint/variants.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface ExplainCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** The forge's rejection vocabulary (variants.ts), so an explanation and a variant's expectation compare. */
  reason?: RejectReason;
  detail: string;
}

export interface TimeClaim {
  claim: 'iat' | 'nbf' | 'exp';
  value: unknown;
  iso?: string;
  /** Seconds from now (negative = past). */
  fromNow?: number;
  relative?: string;
}

export interface Explanation {
  tenant: string;
  /** The strict gateway the checks assume: VARIANT_TARGET applied to this tenant. */
  gateway: {
    issuer: string;
    audience: string;
    api: string;
    jwksUri: string;
    algorithms: readonly string[];
    requiredClaims: readonly string[];
    requiredRole: string;
    clockSkewSeconds: number;
    maxTokenBytes: number;
  };
  now: number;
  bytes: number;
  segments: number;
  header: Record<string, unknown> | null;
  /** The decoded header or payload text when it is not a JSON object (shown as is). */
  headerText?: string;
  claims: Record<string, unknown> | null;
  payloadText?: string;
  times: TimeClaim[];
  /** Which of the tenant's keys the header's kid names, whatever its state. */
  key?: { kid: string; state: string; published: boolean };
  checks: ExplainCheck[];
  verdict: { outcome: 'accept' | 'reject' | 'either'; reason?: RejectReason; summary: string };
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const HASH: Record<string, string> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/**
 * Decodes a compact token and walks it through the checks a strict gateway (VARIANT_TARGET, the
 * gateway the named variants' expectations assume) makes, in the reference pipeline's order: size,
 * framing, algorithm, header parameters, key, signature, claims, role. Every check is reported, the
 * first failure is the verdict. The token is attacker-controlled: nothing here trusts or fetches
 * anything it names, and the result is data (the page renders it as text only).
 */
export function explainToken(token: string, rt: TenantRuntime, nowMs = Date.now()): Explanation {
  const now = Math.floor(nowMs / 1000);
  const api = rt.tenant.apis.find((a) => a.name === VARIANT_TARGET.api) ?? rt.tenant.apis.find((a) => a.accessTokenAcceptedVersion === 2) ?? rt.tenant.apis[0];
  const skew = VARIANT_TARGET.clockSkewSeconds;
  const gateway = {
    issuer: rt.issuers.v2,
    audience: api?.appId ?? '(the tenant has no API)',
    api: api?.name ?? '(none)',
    jwksUri: rt.urls.jwksV2,
    algorithms: VARIANT_TARGET.algorithms,
    requiredClaims: ['iss', 'aud', ...VARIANT_TARGET.requiredClaims],
    requiredRole: VARIANT_TARGET.requiredRole,
    clockSkewSeconds: skew,
    maxTokenBytes: VARIANT_TARGET.maxTokenBytes,
  };
  const checks: ExplainCheck[] = [];
  const add = (id: string, title: string, status: CheckStatus, detail: string, reason?: RejectReason) =>
    checks.push({ id, title, status, detail, ...(status === 'fail' && reason ? { reason } : {}) });

  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  const bytes = Buffer.byteLength(trimmed);
  const parts = trimmed.split('.');
  const decoded = {
    header: decodeSegment(parts[0] ?? ''),
    payload: parts.length >= 2 ? decodeSegment(parts[1]) : undefined,
  };
  const header = decoded.header.object;
  const claims = decoded.payload?.object ?? null;
  const result = (): Explanation => ({
    tenant: rt.tenant.name,
    gateway,
    now,
    bytes,
    segments: parts.length,
    header,
    ...(header === null && decoded.header.text !== undefined ? { headerText: decoded.header.text } : {}),
    claims,
    ...(claims === null && decoded.payload?.text !== undefined ? { payloadText: decoded.payload.text } : {}),
    times: timeClaims(claims, now),
    ...(keyInfo ? { key: keyInfo } : {}),
    checks,
    verdict: verdictOf(checks),
  });
  let keyInfo: Explanation['key'];

  if (trimmed !== token.trim()) add('bearer', 'Bearer prefix', 'warn', 'the pasted text started with "Bearer "; explained without it');
  if (bytes > VARIANT_TARGET.maxTokenBytes) {
    add('size', `size at most ${VARIANT_TARGET.maxTokenBytes} bytes`, 'fail', `${bytes} bytes: refused before parsing, so an attacker cannot make the gateway parse and hash megabytes`, 'oversized');
  } else add('size', `size at most ${VARIANT_TARGET.maxTokenBytes} bytes`, 'pass', `${bytes} bytes`);

  // Framing: compact JWS is exactly three base64url segments, header and payload JSON objects.
  const framing: string[] = [];
  if (parts.length !== 3) framing.push(parts.length === 5 ? '5 segments: the shape of a JWE, which this API does not accept' : `${parts.length} segment(s), a compact JWS has exactly 3`);
  if (header === null) framing.push(`the header ${decoded.header.problem ?? 'is not a JSON object'}`);
  if (framing.length > 0) {
    add('framing', 'compact JWS framing', 'fail', framing.join('; '), 'malformed');
    return result();
  }
  const [h, p, s] = parts;
  const oddSegments = (['header', 'payload', 'signature'] as const).filter((_, i) => !B64URL.test(parts[i]));
  if (oddSegments.length > 0) {
    add('framing', 'compact JWS framing', 'warn', `the ${oddSegments.join(' and ')} segment holds characters outside base64url (padding "=" or "+" "/"); lenient decoders accept it, but the signature covers the exact text`);
  } else add('framing', 'compact JWS framing', 'pass', '3 base64url segments, the header is a JSON object');
  const hdr = header!;
  const signingInput = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');

  // Algorithm: an allow-list, case-sensitive; "none" and HMAC are the classic forgeries.
  const alg = hdr.alg;
  let algAllowed = false;
  if (alg === undefined) add('alg', 'algorithm allowed', 'fail', 'the header has no alg; RFC 7515 §4.1.1 makes it required', 'malformed');
  else if (typeof alg !== 'string') add('alg', 'algorithm allowed', 'fail', `alg is ${JSON.stringify(alg)}, not a string`, 'malformed');
  else if (!(VARIANT_TARGET.algorithms as readonly string[]).includes(alg)) {
    add('alg', 'algorithm allowed', 'fail', `alg ${alg} is not in the allow-list (${VARIANT_TARGET.algorithms.join(', ')}); ${algNote(alg)}`, 'alg_not_allowed');
  } else {
    algAllowed = true;
    add('alg', 'algorithm allowed', 'pass', `${alg} is allowed`);
  }

  // Header parameters: no extension is understood, and the token may not choose its own key.
  const crit = hdr.crit;
  if (hdr.b64 === false) add('header', 'header parameters', 'fail', 'b64 false: an unencoded payload, which JWTs must not use (RFC 7797 §7)', 'malformed');
  else if (crit !== undefined && (!Array.isArray(crit) || crit.some((c) => c !== 'b64'))) {
    add('header', 'header parameters', 'fail', `crit names ${JSON.stringify(crit)}: a recipient must refuse critical extensions it does not understand (RFC 7515 §4.1.11)`, 'unsupported_crit');
  } else {
    const selfKeys = ['jku', 'x5u', 'jwk', 'x5c'].filter((k) => k in hdr);
    if (selfKeys.length > 0) {
      add('header', 'header parameters', 'warn', `${selfKeys.join(', ')} in the header: a strict gateway ignores them and never fetches or trusts a key the token names; only the tenant's JWKS counts`);
    } else add('header', 'header parameters', 'pass', 'no critical extensions, no embedded or remote keys');
  }

  // Key: the kid must name a key the tenant's JWKS publishes.
  const published = rt.keys.published();
  const kid = hdr.kid;
  let candidates: SigningKey[] = [];
  let kidMissing = false;
  if (kid === undefined) {
    kidMissing = true;
    candidates = published;
    add('kid', 'key in the tenant JWKS', 'warn', `no kid, and the JWKS publishes ${published.length} keys: a gateway may try each (the signature decides) or refuse; both are allowed`);
  } else if (typeof kid !== 'string') {
    add('kid', 'key in the tenant JWKS', 'fail', `kid is ${JSON.stringify(kid)}, not a string`, 'unknown_key');
  } else {
    const known = rt.keys.find(kid);
    if (known) keyInfo = { kid, state: known.state, published: published.includes(known) };
    if (known && published.includes(known)) {
      candidates = [known];
      add('kid', 'key in the tenant JWKS', 'pass', `kid names the tenant's ${known.state} key, published in the JWKS`);
    } else {
      const why = known
        ? `kid names the tenant's ${known.state} key, which the JWKS does not publish${known.state === 'retired' ? ' (rotated out)' : known.state === 'attacker' ? ' (the forge made it to sign attacks)' : ''}`
        : `kid ${preview(kid)} is not in the tenant's JWKS (${published.length} keys published)`;
      add('kid', 'key in the tenant JWKS', 'fail', why, 'unknown_key');
    }
  }

  // Signature: verified only with a published key, under the header's alg.
  const signers = typeof alg === 'string' ? whoSigned(alg, signingInput, signature, rt.keys.list()) : undefined;
  const signerText = signers ? ` (it was made with ${signers})` : '';
  if (!algAllowed || candidates.length === 0) {
    add('signature', 'signature', 'skip', `not verified: ${!algAllowed ? 'the algorithm is refused' : 'no published key to verify with'}${signerText}`);
  } else {
    const good = candidates.find((k) => rsaVerify(alg as string, signingInput, signature, k.publicKey));
    if (good) add('signature', 'signature', 'pass', `verifies with the ${good.state} key ${good.kid}`);
    else {
      const detail = signature.length === 0 ? 'the signature segment is empty' : `does not verify with ${kidMissing ? 'any published key' : `the ${candidates[0].state} key`}${signerText || ': the header or payload was changed after signing, or another key signed it'}`;
      add('signature', 'signature', 'fail', detail, 'bad_signature');
    }
  }

  // The payload is parsed only after the signature holds; a gateway never reads unauthenticated claims.
  if (claims === null) {
    add('payload', 'claims set', 'fail', `the payload ${decoded.payload?.problem ?? 'is not a JSON object'}: a JWT's claims set must be a JSON object (RFC 7519 §7.2)`, 'malformed');
    return result();
  }
  add('payload', 'claims set', 'pass', 'a JSON object');
  const payload = claims;

  // Claims: only meaningful once the signature holds, but explained regardless.
  const missing = gateway.requiredClaims.filter((c) => !(c in payload));
  if (missing.length > 0) add('required', 'required claims', 'fail', `missing: ${missing.join(', ')}`, 'missing_claim');
  else add('required', 'required claims', 'pass', `${gateway.requiredClaims.join(', ')} present`);

  if ('iss' in payload) {
    const iss = payload.iss;
    if (iss === gateway.issuer) add('iss', 'issuer', 'pass', `${gateway.issuer} (exact match)`);
    else add('iss', 'issuer', 'fail', `${preview(JSON.stringify(iss))} is not ${gateway.issuer}${issuerNote(iss, rt)}`, 'invalid_issuer');
  }
  if ('aud' in payload) {
    const aud = payload.aud;
    const list = Array.isArray(aud) ? aud : [aud];
    if (list.includes(gateway.audience)) add('aud', 'audience', 'pass', `holds ${gateway.audience} (${gateway.api})${Array.isArray(aud) ? ` among ${aud.length}` : ''}`);
    else add('aud', 'audience', 'fail', `${preview(JSON.stringify(aud))} does not hold ${gateway.audience} (${gateway.api})${audienceNote(list, rt, api?.appIdUri)}`, 'invalid_audience');
  }
  const time = (name: 'exp' | 'nbf' | 'iat', reason: RejectReason, bad: (v: number) => boolean, explain: (v: number) => string) => {
    if (!(name in payload)) return;
    const v = payload[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) add(name, name, 'fail', `${name} is ${preview(JSON.stringify(v))}, not a NumericDate (a JSON number)`, 'invalid_claim');
    else if (bad(v)) add(name, name, 'fail', explain(v), reason);
    else add(name, name, 'pass', `${relative(v - now)} from now`);
  };
  time('exp', 'expired', (v) => v + skew <= now, (v) => `expired ${relative(now - v).replace(/^\+/, '')} ago, beyond the ${skew} s clock skew`);
  time('nbf', 'not_yet_valid', (v) => v - skew > now, (v) => `not valid for another ${relative(v - now).replace(/^\+/, '')}, beyond the ${skew} s clock skew`);
  time('iat', 'issued_in_future', (v) => v - skew > now, (v) => `issued ${relative(v - now).replace(/^\+/, '')} in the future, beyond the ${skew} s clock skew`);

  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
  const need = VARIANT_TARGET.requiredRole;
  if (roles.includes(need) || scopes.includes(need)) add('role', `role or scope ${need}`, 'pass', roles.includes(need) ? 'in roles' : 'in scp');
  else {
    const nearly = [...roles, ...scopes].find((r) => r.toLowerCase() === need.toLowerCase());
    const held = [...roles.map((r) => `role ${r}`), ...scopes.map((x) => `scope ${x}`)];
    add('role', `role or scope ${need}`, 'fail', nearly ? `${nearly} is the right name in the wrong letter case; roles and scopes compare exactly` : held.length > 0 ? `holds only ${held.join(', ')}` : 'no roles and no scp: authenticated, but not allowed (403)', 'insufficient_role');
  }
  return result();
}

function decodeSegment(segment: string): { object: Record<string, unknown> | null; text?: string; problem?: string } {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  if (segment === '') return { object: null, problem: 'is empty' };
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { object: value as Record<string, unknown> };
    return { object: null, text, problem: `is JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object` };
  } catch {
    return { object: null, text, problem: 'is not JSON' };
  }
}

function timeClaims(claims: Record<string, unknown> | null, now: number): TimeClaim[] {
  if (!claims) return [];
  return (['iat', 'nbf', 'exp'] as const)
    .filter((c) => c in claims)
    .map((claim) => {
      const value = claims[claim];
      if (typeof value !== 'number' || !Number.isFinite(value)) return { claim, value };
      const date = new Date(value * 1000);
      return { claim, value, ...(Number.isNaN(date.getTime()) ? {} : { iso: date.toISOString() }), fromNow: value - now, relative: relative(value - now) };
    });
}

/** `+10 min`, `-1.5 h`: what a person asks of a NumericDate. */
export function relative(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(seconds));
  if (abs >= 86_400) return `${sign}${+(abs / 86_400).toFixed(1)} d`;
  if (abs >= 3600) return `${sign}${+(abs / 3600).toFixed(1)} h`;
  if (abs >= 60) return `${sign}${Math.round(abs / 60)} min`;
  return `${sign}${abs} s`;
}

function algNote(alg: string): string {
  if (alg.toLowerCase() === 'none') return 'an unsigned token: anyone can write one (RFC 8725 §2.1)';
  if (/^HS/i.test(alg)) return 'HMAC with a secret this API never shares: the RS→HS key-confusion shape (RFC 8725 §2.1)';
  if (/^(RS|PS)/.test(alg)) return 'the same RSA key may sign it, but the gateway pins the algorithm (RFC 8725 §3.1)';
  if (/^ES/.test(alg)) return 'the tenant publishes RSA keys only';
  return 'unknown algorithm';
}

function issuerNote(iss: unknown, rt: TenantRuntime): string {
  if (typeof iss !== 'string') return ` (${Array.isArray(iss) ? 'an array' : typeof iss}, where a string is required)`;
  if (iss === rt.issuers.v1) return ': that is the v1 issuer, and this API accepts v2 tokens only';
  if (iss.replace(/\/+$/, '') === rt.issuers.v2) return ': a trailing slash; issuers compare exactly';
  if (iss.includes(rt.tenant.id)) return ': same tenant, different issuer string';
  return ': another issuer (a different tenant or an attacker)';
}

function audienceNote(aud: unknown[], rt: TenantRuntime, appIdUri: string | undefined): string {
  if (appIdUri && aud.includes(appIdUri)) return ': the App ID URI, as v1 tokens carry it; v2 tokens carry the app id';
  const client = rt.tenant.clients.find((c) => aud.includes(c.clientId));
  if (client) return `: that is client ${client.name}'s id, the audience of an ID token, not an access token for this API`;
  if (aud.some((a) => typeof a === 'string' && (a.replace(/\/+$/, '') === appIdUri || a.replace(/\/+$/, '') === rt.tenant.apis[0]?.appId))) return ': a trailing slash; audiences compare exactly';
  return '';
}

/** Which key (in any state) made an RSA signature, or which public-key bytes an HMAC used: evidence for the explanation only. */
function whoSigned(alg: string, input: Buffer, signature: Buffer, keys: readonly SigningKey[]): string | undefined {
  if (signature.length === 0) return undefined;
  if (/^(RS|PS)(256|384|512)$/.test(alg)) {
    const k = keys.find((key) => rsaVerify(alg, input, signature, key.publicKey));
    return k ? `the tenant's ${k.state} key ${k.kid}` : undefined;
  }
  const hs = /^HS(256|384|512)$/.exec(alg);
  if (!hs) return undefined;
  const hmacWith = (secret: Buffer) => createHmac(HASH[hs[1]], secret).update(input).digest();
  const same = (mac: Buffer) => mac.length === signature.length && timingSafeEqual(mac, signature);
  for (const key of keys) {
    for (const encoding of PUBLIC_KEY_ENCODINGS) {
      if (same(hmacWith(publicKeyBytes(key, encoding)))) return `HMAC keyed with the ${key.state} key's public key (${encoding}): the RS→HS confusion attack`;
    }
  }
  for (const secret of ['', 'secret', '1']) if (same(hmacWith(Buffer.from(secret)))) return `HMAC keyed with the guessable secret ${JSON.stringify(secret)}`;
  return undefined;
}

/**
 * node:crypto rather than jose: jose refuses `crit`, `b64` and disallowed algorithms before it looks at
 * the signature, and the explanation wants each of those judged on its own.
 */
function rsaVerify(alg: string, input: Buffer, signature: Buffer, key: KeyObject): boolean {
  const m = /^(RS|PS)(256|384|512)$/.exec(alg);
  if (!m || signature.length === 0) return false;
  const hash = HASH[m[2]];
  try {
    return m[1] === 'RS'
      ? verify(hash, input, key, signature)
      : verify(hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  } catch {
    return false;
  }
}

function verdictOf(checks: ExplainCheck[]): Explanation['verdict'] {
  const fail = checks.find((c) => c.status === 'fail');
  if (fail) return { outcome: 'reject', reason: fail.reason, summary: `a strict gateway rejects it at "${fail.title}": ${fail.detail}` };
  if (checks.some((c) => c.id === 'kid' && c.status === 'warn')) return { outcome: 'either', summary: 'valid with one of the published keys, but without a kid: trying every key and refusing are both allowed' };
  return { outcome: 'accept', summary: 'a strict gateway accepts it: every check passes' };
}

function preview(text: string | undefined): string {
  if (text === undefined) return 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}… (${text.length} chars)` : text;
}
