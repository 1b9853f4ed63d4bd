import { createPublicKey, type KeyObject } from 'node:crypto';

/** A verification key from a JWKS, imported once and reused for every signature. */
export interface KeyRecord {
  kid: string | undefined;
  /** JWK `alg`, respected when present (RFC 7517 §4.4). */
  alg: string | undefined;
  kty: 'RSA' | 'EC' | 'OKP';
  /** EC curve or OKP subtype, for matching ES256↔P-256 and EdDSA↔Ed25519/Ed448. */
  curve: string | undefined;
  /** Entra's per-key `issuer` (may carry `{tenantid}`). */
  issuer: string | undefined;
  key: KeyObject;
  /** Identity of the key material, to keep records stable across refreshes. */
  fingerprint: string;
  /** False once the key left the JWKS: verified-token cache entries signed by it stop being served. */
  active: boolean;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const CURVES = new Set(['P-256', 'P-384', 'P-521']);
const OKP_CURVES = new Set(['Ed25519', 'Ed448']);

/**
 * Imports one public JWK for signature verification, or returns a short reason it is ignored.
 * Private and symmetric keys are ignored rather than trusted: a JWKS is public by definition, and an
 * `oct` key there would invite HMAC key confusion (RFC 8725 §2.1).
 */
export function importJwk(jwk: Record<string, unknown>, minRsaBits: number): KeyRecord | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'not an object';
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'private or symmetric key';
  const { kty, kid, alg, use, key_ops: keyOps, issuer } = jwk;
  if (kid !== undefined && typeof kid !== 'string') return 'kid is not a string';
  if (alg !== undefined && typeof alg !== 'string') return 'alg is not a string';
  if (use !== undefined && use !== 'sig') return 'use is not sig';
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return 'key_ops lacks verify';
  let material: Record<string, unknown>;
  let curve: string | undefined;
  if (kty === 'RSA') {
    if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return 'RSA key without n/e';
    material = { kty, n: jwk.n, e: jwk.e };
  } else if (kty === 'EC') {
    if (typeof jwk.crv !== 'string' || !CURVES.has(jwk.crv)) return 'unsupported curve';
    material = { kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    curve = jwk.crv;
  } else if (kty === 'OKP') {
    if (typeof jwk.crv !== 'string' || !OKP_CURVES.has(jwk.crv)) return 'unsupported curve';
    material = { kty, crv: jwk.crv, x: jwk.x };
    curve = jwk.crv;
  } else {
    return 'unsupported kty';
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: material as never, format: 'jwk' });
  } catch {
    return 'invalid key material';
  }
  if (kty === 'RSA') {
    const details = key.asymmetricKeyDetails;
    if (!details?.modulusLength || details.modulusLength < minRsaBits) return `RSA key shorter than ${minRsaBits} bits`;
    if (details.publicExponent !== undefined && details.publicExponent < 3n) return 'RSA public exponent too small';
  }
  return {
    kid,
    alg,
    kty,
    curve,
    issuer: typeof issuer === 'string' ? issuer : undefined,
    key,
    fingerprint: JSON.stringify([kid ?? null, alg ?? null, typeof issuer === 'string' ? issuer : null, material]),
    active: true,
  };
}
