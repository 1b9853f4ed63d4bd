import type { TokenRecipe } from './token-recipe.ts';

/**
 * Why a correct gateway refuses a variant. The vocabulary is the forge's own (snake_case, wire style);
 * suites map it to their rejection table.
 */
export const REJECT_REASONS = [
  'malformed',
  'alg_not_allowed',
  'unknown_key',
  'bad_signature',
  'unsupported_crit',
  'expired',
  'not_yet_valid',
  'issued_in_future',
  'missing_claim',
  'invalid_claim',
  'invalid_issuer',
  'invalid_audience',
  'insufficient_role',
  'oversized',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface TokenVariant {
  name: string;
  /** One line, shown by `gatecheck mint --list`. */
  description: string;
  /** The recipe without a tenant: the variant is minted for whichever tenant is asked. */
  recipe: Omit<TokenRecipe, 'tenant'>;
  /** What a correct gateway does with it under VARIANT_TARGET; `either` where specs allow both (reported, not graded). */
  expect: 'accept' | 'reject' | 'either';
  reason?: RejectReason;
  /** `must`: any standards-following gateway; `profile`: the strict profile of VARIANT_TARGET (RFC 9068-like). */
  level: 'must' | 'profile' | 'either';
  /** Row id in fixtures/attack-catalogue.json, when there is one. */
  attack?: string;
}

/**
 * The gateway the expectations assume: it protects the tenant's first v2 API (orders-api in the default
 * tenants), trusts the tenant's v2 issuer and JWKS only, allows RS256 only, requires `exp`, refuses
 * `iat` in the future, needs the role or scope `Orders.Read`, and refuses tokens over 32 KiB.
 */
export const VARIANT_TARGET = {
  api: 'orders-api',
  requiredRole: 'Orders.Read',
  algorithms: ['RS256'],
  requiredClaims: ['exp'],
  clockSkewSeconds: 60,
  maxTokenBytes: 32 * 1024,
} as const;

const ATTACKER_JKU = 'http://127.0.0.1:9/.well-known/jwks.json';

const v = (
  name: string,
  description: string,
  recipe: TokenVariant['recipe'],
  expect: TokenVariant['expect'],
  reason?: RejectReason,
  level: TokenVariant['level'] = expect === 'either' ? 'either' : 'must',
  attack?: string,
): TokenVariant => ({ name, description, recipe, expect, ...(reason ? { reason } : {}), level, ...(attack ? { attack } : {}) });

const confusion = (encoding: string, label: string): TokenVariant =>
  v(
    encoding === 'pem' ? 'hs256-key-confusion' : `hs256-key-confusion-${encoding}`,
    `HS256 whose secret is the tenant's public key as ${label} (RS→HS confusion)`,
    { key: { type: 'hmac-with-public-key', encoding: encoding as 'pem' } },
    'reject',
    'alg_not_allowed',
    'must',
    'B05',
  );

export const VARIANTS: readonly TokenVariant[] = [
  // Accepted: a gateway that refuses these is broken the other way.
  v('valid', 'a genuine v2 app-only token for the API, signed by the primary key', {}, 'accept'),
  v('valid-user', 'a genuine v2 delegated token (user with the role and scope)', { profile: 'entra-v2-user' }, 'accept'),
  v('signed-by-next-key', 'signed by the published next key, as right after an Entra rollover', { key: 'next' }, 'accept', undefined, 'must', 'H05'),
  v('audience-array', 'aud is an array holding another audience and ours', { claims: { aud: ['api://other-api', '{{claims.aud}}'] } }, 'accept', undefined, 'must', 'E17'),
  v('rfc9068-profile', 'an RFC 9068 JWT access token (typ at+jwt, client_id, jti) for the API', { profile: 'rfc9068' }, 'accept'),
  v('no-kid', 'kid removed; the JWKS holds several keys, so try-all and reject are both allowed', { omitHeader: ['kid', 'x5t'] }, 'either', undefined, 'either', 'C12'),

  // Issuer and audience.
  v('wrong-audience', 'aud names another API', { claims: { aud: 'api://other-api' } }, 'reject', 'invalid_audience', 'must', 'E15'),
  v('audience-trailing-slash', 'aud is ours with a trailing slash (exact match required)', { claims: { aud: '{{claims.aud}}/' } }, 'reject', 'invalid_audience', 'must', 'E19'),
  v('missing-audience', 'aud removed', { omitClaims: ['aud'] }, 'reject', 'missing_claim', 'must', 'E16'),
  v('duplicate-audience', 'aud written twice, the last one foreign (parsers that keep the first accept it)', { duplicateClaims: { aud: 'api://other-api' } }, 'reject', 'invalid_audience', 'must', 'A14'),
  v('wrong-issuer', 'iss is an attacker-controlled issuer', { claims: { iss: 'https://login.evil.example/attacker/v2.0' } }, 'reject', 'invalid_issuer', 'must', 'E09'),
  v('issuer-trailing-slash', 'iss is ours with a trailing slash (exact match required)', { claims: { iss: '{{claims.iss}}/' } }, 'reject', 'invalid_issuer', 'profile', 'E11'),
  v('issuer-as-array', 'iss is an array holding our issuer (wrong JSON type)', { claims: { iss: ['{{claims.iss}}'] } }, 'reject', 'invalid_issuer', 'must', 'E14'),
  v('missing-issuer', 'iss removed', { omitClaims: ['iss'] }, 'reject', 'missing_claim', 'must', 'E10'),
  v('wrong-tenant', "iss and tid of another tenant, signed with the same key (Entra shares keys across tenants)", { issuerTenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, 'reject', 'invalid_issuer', 'must', 'E22'),
  v('id-token-as-access-token', 'a genuine ID token (aud = client id, nonce) presented as an access token', { profile: 'id-token' }, 'reject', 'invalid_audience', 'must', 'E21'),
  v('v1-token-for-v2-api', 'a v1 token (sts issuer, app ID URI audience) for an API that accepts v2 only', { profile: 'entra-v1-app', api: 'orders-api' }, 'reject', 'invalid_issuer'),

  // Lifetime.
  v('expired', 'exp 10 minutes in the past (beyond any usual skew)', { claims: { iat: { in: '-70m' }, nbf: { in: '-70m' }, exp: { in: '-10m' } } }, 'reject', 'expired', 'must', 'E01'),
  v('not-yet-valid', 'nbf 10 minutes in the future', { claims: { nbf: { in: '+10m' } } }, 'reject', 'not_yet_valid', 'must', 'E06'),
  v('iat-in-future', 'iat 10 minutes in the future', { claims: { iat: { in: '+10m' } } }, 'reject', 'issued_in_future', 'profile', 'E07'),
  v('missing-exp', 'exp removed (RFC 9068 requires it)', { omitClaims: ['exp'] }, 'reject', 'missing_claim', 'profile', 'E03'),
  v('exp-as-string', 'exp is a string, not a NumericDate', { claims: { exp: '9999999999' } }, 'reject', 'invalid_claim', 'must', 'E04'),
  v('exp-null', 'exp is null', { claims: { exp: null } }, 'reject', 'invalid_claim', 'must', 'E04'),

  // Authorisation.
  v('missing-roles', 'authenticated, but the roles claim is absent', { omitClaims: ['roles'] }, 'reject', 'insufficient_role', 'must', 'E23'),
  v('wrong-role', 'authenticated, but holds another role only', { claims: { roles: ['Orders.Write'] } }, 'reject', 'insufficient_role', 'must', 'E24'),
  v('role-wrong-case', 'the required role in the wrong letter case', { claims: { roles: ['orders.read'] } }, 'reject', 'insufficient_role', 'must', 'E25'),

  // Algorithm.
  v('alg-none', 'alg none with an empty signature', { key: 'none' }, 'reject', 'alg_not_allowed', 'must', 'B01'),
  v('alg-none-mixed-case', 'alg nOnE with an empty signature', { key: 'none', header: { alg: 'nOnE' } }, 'reject', 'alg_not_allowed', 'must', 'B02'),
  v('alg-none-uppercase', 'alg NONE with an empty signature', { key: 'none', header: { alg: 'NONE' } }, 'reject', 'alg_not_allowed', 'must', 'B02'),
  v('alg-none-signature-kept', 'header switched to alg none after signing, RS256 signature kept', { tamper: [{ type: 'swap-header', header: { alg: 'none' } }] }, 'reject', 'alg_not_allowed', 'must', 'B03'),
  v('alg-missing', 'alg removed from the header', { omitHeader: ['alg'] }, 'reject', 'malformed', 'must', 'B04'),
  v('alg-as-array', 'alg is ["RS256"] (wrong JSON type)', { header: { alg: ['RS256'] } }, 'reject', 'malformed', 'must', 'B04'),
  confusion('pem', 'SPKI PEM'),
  confusion('pem-no-newline', 'SPKI PEM without its trailing newline'),
  confusion('pkcs1-pem', 'PKCS#1 PEM'),
  confusion('der', 'SPKI DER'),
  confusion('jwk-json', 'JWK JSON text'),
  confusion('modulus', 'raw modulus bytes'),
  confusion('certificate-pem', 'certificate PEM'),
  v('hs256-empty-secret', 'HS256 signed with an empty secret', { key: { type: 'hmac', secret: '' } }, 'reject', 'alg_not_allowed', 'must', 'B13'),
  v('hs256-common-secret', 'HS256 signed with the secret "secret"', { key: { type: 'hmac', secret: 'secret' } }, 'reject', 'alg_not_allowed', 'must', 'B14'),
  v('es256-zero-signature', 'ES256 with r = s = 0, the psychic signature (CVE-2022-21449)', { key: { type: 'ecdsa-zero-signature' } }, 'reject', 'alg_not_allowed', 'must', 'B15'),
  v('ps256-same-key', 'PS256 with the genuine primary key: valid signature, algorithm not allowed', { header: { alg: 'PS256' } }, 'reject', 'alg_not_allowed', 'must', 'B09'),
  v('rs512-same-key', 'RS512 with the genuine primary key: valid signature, algorithm not allowed', { header: { alg: 'RS512' } }, 'reject', 'alg_not_allowed', 'must', 'B09'),

  // Key selection.
  v('unknown-kid', 'signed by the primary key but with a kid the JWKS does not have', { header: { kid: 'gatecheck-unknown-kid' } }, 'reject', 'unknown_key', 'must', 'C10'),
  v('rotated-out-key', 'signed by a retired key that is no longer published', { key: 'retired' }, 'reject', 'unknown_key', 'must', 'H06'),
  v('attacker-key', 'signed by an attacker key under its own kid', { key: 'attacker' }, 'reject', 'unknown_key', 'must', 'B21'),
  v('attacker-key-same-kid', "signed by an attacker key under the primary key's kid", { key: 'attacker', header: { kid: '{{keys.primary}}' } }, 'reject', 'bad_signature', 'must', 'B21'),
  v('embedded-jwk', "attacker key, its public JWK embedded in the header", { key: 'attacker', embed: ['jwk'] }, 'reject', 'unknown_key', 'must', 'C01'),
  v('embedded-jwk-same-kid', "attacker key embedded as jwk, header kid of the primary key", { key: 'attacker', embed: ['jwk'], header: { kid: '{{keys.primary}}' } }, 'reject', 'bad_signature', 'must', 'C01'),
  v('embedded-x5c', 'attacker key with its self-signed certificate in x5c', { key: 'attacker', embed: ['x5c'] }, 'reject', 'unknown_key', 'must', 'C05'),
  v('jku-injection', 'attacker key, jku pointing at an attacker JWKS on loopback (must not be fetched)', { key: 'attacker', header: { jku: ATTACKER_JKU } }, 'reject', 'unknown_key', 'must', 'C02'),
  v('x5u-injection', 'attacker key, x5u pointing at an attacker certificate on loopback (must not be fetched)', { key: 'attacker', header: { x5u: 'http://127.0.0.1:9/cert.pem' } }, 'reject', 'unknown_key', 'must', 'C04'),
  v('kid-path-traversal', 'kid ../../dev/null with HS256 and an empty secret', { key: { type: 'hmac', secret: '' }, header: { kid: '../../../../../../../dev/null' } }, 'reject', 'alg_not_allowed', 'must', 'C06'),
  v('kid-sql-injection', "kid with SQL injection and HS256 secret \"1\"", { key: { type: 'hmac', secret: '1' }, header: { kid: "x' UNION SELECT '1';--" } }, 'reject', 'alg_not_allowed', 'must', 'C07'),
  v('kid-command-injection', 'kid "|sleep 10" on an RS256 token (must not delay)', { header: { kid: '|sleep 10' } }, 'reject', 'unknown_key', 'must', 'C08'),
  v('kid-huge', 'a 10 KB kid', { header: { kid: 'k'.repeat(10_000) } }, 'reject', 'unknown_key', 'must', 'C09'),
  v('unknown-crit', 'crit names an extension the gateway cannot understand', { header: { crit: ['exp-ext'], 'exp-ext': 1 } }, 'reject', 'unsupported_crit', 'must', 'C14'),
  v('b64-false', 'b64 false with crit b64: unencoded payload, which JWTs must not use', { header: { b64: false, crit: ['b64'] } }, 'reject', 'malformed', 'must', 'C16'),

  // Integrity and framing.
  v('tampered-payload', 'payload rewritten (extra role) after signing, signature kept', { tamper: [{ type: 'swap-payload', claims: { roles: ['Orders.Read', 'Orders.Write'] } }] }, 'reject', 'bad_signature', 'must', 'B20'),
  v('flipped-signature-bit', 'one bit of the signature flipped', { tamper: [{ type: 'flip-bit' }] }, 'reject', 'bad_signature', 'must', 'B19'),
  v('stripped-signature', 'signature removed, trailing dot kept (h.p.)', { tamper: [{ type: 'strip-signature' }] }, 'reject', 'bad_signature', 'must', 'B12'),
  v('two-segments', 'signature segment removed entirely (h.p)', { tamper: [{ type: 'segments', count: 2 }] }, 'reject', 'malformed', 'must', 'A11'),
  v('four-segments', 'an extra segment appended (h.p.s.s)', { tamper: [{ type: 'segments', count: 4 }] }, 'reject', 'malformed', 'must', 'A11'),
  v('five-segments', 'five segments, shaped like a JWE', { tamper: [{ type: 'segments', count: 5 }] }, 'reject', 'malformed', 'must', 'D01'),
  v('base64-padding', 'payload segment with = padding (base64, not base64url)', { tamper: [{ type: 'padding', segment: 'payload' }] }, 'reject', 'bad_signature', 'must', 'A12'),
  v('non-base64url-chars', 'payload segment with + and / inside', { tamper: [{ type: 'invalid-chars', segment: 'payload' }] }, 'reject', 'bad_signature', 'must', 'A12'),
  v('header-not-object', 'header is a JSON array', { rawHeader: '["RS256"]' }, 'reject', 'malformed', 'must', 'A14'),
  v('payload-not-object', 'payload is a JSON string, correctly signed', { rawPayload: '"claims"' }, 'reject', 'malformed', 'must', 'A14'),
  v('oversized', 'a correctly signed token padded to 256 KiB', { padTo: 256 * 1024 }, 'reject', 'oversized', 'must', 'A16'),
];

export function findVariant(name: string): TokenVariant | undefined {
  return VARIANTS.find((x) => x.name === name);
}
