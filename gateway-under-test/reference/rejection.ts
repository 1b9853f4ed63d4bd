/**
 * The REJECTIONS table: every reason the gateway refuses a request, with its status and RFC 6750 error.
 * Reason codes go to the access log and metrics (and, only when `exposeReason` is on, to the
 * `X-Gatecheck-Reason` response header); clients otherwise see only status and challenge.
 */

export interface RejectionRule {
  status: number;
  /**
   * RFC 6750 §3.1 error code; null = no error attribute (RFC 6750 §3: none when no credentials were sent).
   * `insufficient_claims` is Entra's claims challenge (claims-challenge.md), an extension of RFC 6750's codes.
   */
  error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'insufficient_claims' | null;
  /** Whether a `WWW-Authenticate: Bearer` challenge is sent. */
  challenge: boolean;
}

const missing: RejectionRule = { status: 401, error: null, challenge: true };
const badRequest: RejectionRule = { status: 400, error: 'invalid_request', challenge: true };
const badToken: RejectionRule = { status: 401, error: 'invalid_token', challenge: true };

export const REJECTIONS = {
  // Credentials absent or not where this gateway accepts them: bare challenge (RFC 6750 §3).
  missing_token: missing,
  unsupported_scheme: missing,
  token_location_disabled: missing,
  // Malformed request (RFC 6750 §3.1 invalid_request → 400).
  multiple_tokens: badRequest,
  multiple_methods: badRequest,
  malformed_authorization: badRequest,
  // Token faults (RFC 6750 §3.1 invalid_token → 401).
  token_too_large: badToken,
  malformed_token: badToken,
  issuer_missing: badToken,
  issuer_not_allowed: badToken,
  tenant_not_allowed: badToken,
  algorithm_not_allowed: badToken,
  critical_header_not_understood: badToken,
  unsupported_header: badToken,
  type_not_allowed: badToken,
  kid_missing: badToken,
  key_not_found: badToken,
  key_algorithm_mismatch: badToken,
  key_issuer_mismatch: badToken,
  signature_invalid: badToken,
  audience_missing: badToken,
  audience_not_allowed: badToken,
  claim_invalid: badToken,
  exp_missing: badToken,
  required_claim_missing: badToken,
  claim_value_not_allowed: badToken,
  sender_constrained: badToken,
  token_expired: badToken,
  token_not_yet_valid: badToken,
  iat_in_future: badToken,
  lifetime_too_long: badToken,
  // Continuous access evaluation: a revoked user's or session's token, answered with a claims challenge.
  token_revoked: { status: 401, error: 'insufficient_claims', challenge: true },
  // Authenticated but not allowed (RFC 6750 §3.1 insufficient_scope → 403 with `scope`).
  insufficient_scope: { status: 403, error: 'insufficient_scope', challenge: true },
  // APIM answers a missing or wrong subscription key with 401 and no Bearer challenge.
  subscription_key_missing: { status: 401, error: null, challenge: false },
  subscription_key_invalid: { status: 401, error: null, challenge: false },
  rate_limited: { status: 429, error: null, challenge: false },
  unauthenticated_rate_limited: { status: 429, error: null, challenge: false },
  // Fail closed when no IdP key can be had: the token may be fine, so it is not invalid_token.
  keys_unavailable: { status: 503, error: null, challenge: false },
  route_not_found: { status: 404, error: null, challenge: false },
  // Request faults below the token (RFC 9112 §3.2, SECURITY.md "Paths"): nothing to do with credentials, so no challenge.
  ambiguous_path: { status: 400, error: null, challenge: false },
  invalid_host: { status: 400, error: null, challenge: false },
  upstream_unavailable: { status: 502, error: null, challenge: false },
  upstream_timeout: { status: 504, error: null, challenge: false },
  backend_credentials_unavailable: { status: 502, error: null, challenge: false },
} as const satisfies Record<string, RejectionRule>;

export type Reason = keyof typeof REJECTIONS;

const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** `WWW-Authenticate` value for a reason, or undefined when the rule sends no challenge. */
export function challengeFor(reason: Reason, realm: string, scope?: string, claimsChallenge?: { claims: string; authorizationUri?: string }): string | undefined {
  const rule: RejectionRule = REJECTIONS[reason];
  if (!rule.challenge) return undefined;
  let value = `Bearer realm="${realm}"`;
  // Entra's claims challenge names where to get the new token before the error
  // (https://learn.microsoft.com/en-us/entra/identity-platform/claims-challenge).
  if (rule.error === 'insufficient_claims' && claimsChallenge?.authorizationUri) value += `, authorization_uri="${claimsChallenge.authorizationUri.replace(/["\\]/g, '')}"`;
  if (rule.error) value += `, error="${rule.error}"`;
  // Base64 of the JSON claims request, as Entra's resources send it; the alphabet needs no escaping.
  if (rule.error === 'insufficient_claims' && claimsChallenge) value += `, claims="${claimsChallenge.claims}"`;
  // RFC 6750 §3: scope-tokens separated by single spaces. The config schema lets any value through, so
  // anything else (a `"`, a CR or LF that would start a header of its own) leaves the attribute out.
  if (rule.error === 'insufficient_scope' && scope && SCOPE.test(scope)) value += `, scope="${scope}"`;
  return value;
}
