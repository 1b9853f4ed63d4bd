import { z } from 'zod';

/**
 * A TokenRecipe is data, never a callback: it travels over the control API, is printed in reports and
 * replays the same token shape later. Fields left out fall back to an ordinary, valid Entra token of the
 * chosen profile; every field present is one deliberate deviation from it.
 */

/** `-10m`, `+1h`, `30s`, `-2d`: an offset from the tenant's clock (`TenantRuntime.now()`). */
export const RELATIVE_TIME = /^[+-]?\d+(?:\.\d+)?[smhd]$/;

/** `{ "in": "-10m" }` in a claim means "now minus ten minutes", as a NumericDate. */
export const RelativeTimeSchema = z.strictObject({ in: z.string().regex(RELATIVE_TIME, 'must look like -10m, +1h, 30s or 2d') });

const json: z.ZodType<unknown> = z.json();

/**
 * A claim override: any JSON value, or a relative time. An object whose only member is `in` is always
 * read as a relative time, so a typo (`{ "in": "soon" }`) fails instead of becoming a literal claim;
 * write such a literal object with `rawPayload`.
 */
export const ClaimValueSchema = json.superRefine((value, ctx) => {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && 'in' in value) {
    const parsed = RelativeTimeSchema.safeParse(value);
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: ['in'], message: 'must look like -10m, +1h, 30s or 2d' });
  }
});

export const PROFILES = ['entra-v1-app', 'entra-v2-app', 'entra-v2-user', 'id-token', 'rfc9068'] as const;
export const ProfileSchema = z.enum(PROFILES);

/** Keys the tenant's store holds, by lifecycle state. `retired` and `attacker` keys are created on demand (never published). */
export const KEY_STATES = ['primary', 'next', 'previous', 'retired', 'attacker'] as const;

/**
 * How an RSA public key is turned into HMAC secret bytes in the algorithm-confusion attack (RFC 8725 §2.1):
 * every form a gateway may hold the verification key in, with the whitespace a config file, an
 * environment variable, a YAML block scalar or a Windows editor leaves around it. A gateway that feeds
 * "the key" to HMAC uses exactly those bytes, so each form is a separate attack.
 */
export const PUBLIC_KEY_ENCODINGS = [
  'pem', // SPKI PEM with its trailing newline, as a JWKS-to-PEM converter writes it
  'pem-no-newline',
  'pem-crlf', // CRLF line ends, as a key file saved on Windows
  'pem-padded', // a blank line before and after, as pasted into a YAML block or an env file
  'pem-leading-space', // one space before the armour, as an indented config value keeps it
  'pem-body', // the SPKI base64 body on one line, without armour or newlines
  'pkcs1-pem', // "BEGIN RSA PUBLIC KEY", with its trailing newline
  'pkcs1-pem-no-newline',
  'pkcs1-pem-crlf',
  'der', // SPKI DER bytes
  'pkcs1-der', // PKCS#1 RSAPublicKey DER bytes
  'jwk-json', // the published JWK serialised as JSON
  'jwk-json-newline', // the same with a trailing newline, as a file written by a JSON tool
  'jwk-json-pretty', // two-space indented JSON with a trailing newline
  'jwks-json', // the whole {"keys":[…]} document holding the published JWK
  'modulus', // raw big-endian modulus bytes (what rsa_sign2n-style recovery yields)
  'certificate-pem', // the x5c certificate as PEM, without a trailing newline
  'certificate-pem-newline',
  'certificate-pem-crlf',
  'certificate-der', // the x5c certificate's DER bytes (base64-decoded x5c[0])
  'x5c-base64', // x5c[0] as published: the certificate's DER in base64 text
] as const;
export type PublicKeyEncoding = (typeof PUBLIC_KEY_ENCODINGS)[number];

export const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;

export const KeySpecSchema = z.union([
  z.enum([...KEY_STATES, 'none']),
  /** A specific key in the tenant's store, whatever its state. */
  z.strictObject({ type: z.literal('kid'), kid: z.string().min(1) }),
  /** HMAC whose secret is the tenant's public RSA key bytes (key confusion). `of` picks which key; default primary. */
  z.strictObject({
    type: z.literal('hmac-with-public-key'),
    encoding: z.enum(PUBLIC_KEY_ENCODINGS),
    of: z.enum(KEY_STATES).default('primary'),
    alg: z.enum(HMAC_ALGS).default('HS256'),
  }),
  /** HMAC with a chosen secret (UTF-8): `""` is the empty-secret attack, `"secret"` a common one. */
  z.strictObject({ type: z.literal('hmac'), secret: z.string(), alg: z.enum(HMAC_ALGS).default('HS256') }),
  /** ES256 with r = s = 0 (64 zero bytes): the "psychic signature" (CVE-2022-21449). */
  z.strictObject({ type: z.literal('ecdsa-zero-signature') }),
]);

const SEGMENTS = z.enum(['header', 'payload', 'signature']);

/** Applied in order to the finished compact token. */
export const TamperSchema = z.discriminatedUnion('type', [
  /** Flips one bit of the decoded segment (default: the signature's last byte, lowest bit). */
  z.strictObject({ type: z.literal('flip-bit'), segment: SEGMENTS.default('signature'), byte: z.number().int().default(-1), bit: z.number().int().min(0).max(7).default(0) }),
  /** `h.p.`: keeps the dot, drops the signature. */
  z.strictObject({ type: z.literal('strip-signature') }),
  /** Re-encodes the payload with these members merged in, keeping the original signature. */
  z.strictObject({ type: z.literal('swap-payload'), claims: z.record(z.string(), json) }),
  /** Re-encodes the header with these members merged in, keeping the original signature (e.g. alg → none). */
  z.strictObject({ type: z.literal('swap-header'), header: z.record(z.string(), json) }),
  /** Drops trailing segments or appends copies of the signature until the token has `count` segments. */
  z.strictObject({ type: z.literal('segments'), count: z.number().int().min(1).max(10) }),
  /** Inserts characters outside the base64url alphabet into a segment (default `+/`). */
  z.strictObject({ type: z.literal('invalid-chars'), segment: SEGMENTS.default('payload'), chars: z.string().min(1).default('+/') }),
  /** Adds `=` padding to segments, as base64 (not base64url) would. */
  z.strictObject({ type: z.literal('padding'), segment: SEGMENTS.default('payload') }),
  /** Adds a prefix/suffix around the whole token (whitespace, a second token, …). */
  z.strictObject({ type: z.literal('wrap'), prefix: z.string().default(''), suffix: z.string().default('') }),
]);

export const TokenRecipeSchema = z.strictObject({
  /** Tenant name, domain or GUID; the control API and `mint(runtime, …)` fill it from context. */
  tenant: z.string().min(1).optional(),
  profile: ProfileSchema.default('entra-v2-app'),
  /** API name in the tenant file. Default: the first API whose accepted version suits the profile. */
  api: z.string().min(1).optional(),
  /** Client name in the tenant file. Default: the first client holding permissions for the API. */
  client: z.string().min(1).optional(),
  /** User UPN for `entra-v2-user`, `id-token` (and `rfc9068` when given). Default: the first user. */
  user: z.string().min(1).optional(),
  /** Delegated scopes (names without the API prefix). Default: what the client was consented for the API. */
  scopes: z.array(z.string().min(1)).optional(),
  /** Issue as if by this tenant (GUID, or name of another tenant of the mock): its `iss` and `tid`, same signing key, as Entra signs every tenant with the same keys. */
  issuerTenant: z.string().min(1).optional(),
  /**
   * Claim overrides and additions; `{ "in": "-10m" }` is relative to the tenant's clock. Strings in claim,
   * header and duplicate overrides may use `{{claims.NAME}}` / `{{header.NAME}}` (the genuine token's
   * value) and `{{keys.STATE}}` (the kid of the tenant's key in that state), e.g. `"{{claims.iss}}/"`.
   */
  claims: z.record(z.string(), ClaimValueSchema).optional(),
  omitClaims: z.array(z.string()).optional(),
  /** Members written a second time, after the payload's own: duplicate JSON keys for parser-differential cases. */
  duplicateClaims: z.record(z.string(), json).optional(),
  /** Header overrides and additions (`alg`, `kid`, `typ`, `crit`, `jku`, `jwk`, `x5u`, `x5c`, `b64`, …). */
  header: z.record(z.string(), json).optional(),
  omitHeader: z.array(z.string()).optional(),
  /** Embeds the signing key's public JWK (`jwk`) or certificate chain (`x5c`) in the header. */
  embed: z.array(z.enum(['jwk', 'x5c'])).optional(),
  key: KeySpecSchema.default('primary'),
  /** The algorithm that actually computes the signature, when it must differ from the header's `alg`. */
  signWith: z.enum([...RSA_ALGS, ...HMAC_ALGS]).optional(),
  /** Pads the payload with a filler claim until the token is at least this many bytes. */
  padTo: z.number().int().positive().max(16 * 1024 * 1024).optional(),
  /** Raw header / payload text, base64url-encoded verbatim (header and claim options no longer apply to it). */
  rawHeader: z.string().optional(),
  rawPayload: z.string().optional(),
  tamper: z.array(TamperSchema).optional(),
});

/** What callers write (defaults optional). */
export type TokenRecipe = z.input<typeof TokenRecipeSchema>;
/** What the forge works on (defaults applied). */
export type ResolvedTokenRecipe = z.output<typeof TokenRecipeSchema>;
export type KeySpec = z.input<typeof KeySpecSchema>;
export type Tamper = z.input<typeof TamperSchema>;
export type Profile = z.infer<typeof ProfileSchema>;

export interface MintResult {
  token: string;
  /** Decoded header and claims as sent (null when the segment is not a JSON object, e.g. raw or tampered forms). */
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  recipe: ResolvedTokenRecipe;
}
