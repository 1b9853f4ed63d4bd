/**
 * The policy linter's rules. Ids are stable (they appear in SARIF and in suppressions elsewhere): a
 * rule may be reworded, never renumbered or reused for another meaning.
 */
export interface LintRule {
  id: string;
  severity: 'error' | 'warning';
  /** One line: what is wrong and what it lets through. */
  summary: string;
  fix: string;
}

const rule = (id: string, severity: LintRule['severity'], summary: string, fix: string): LintRule => ({ id, severity, summary, fix });

export const LINT_RULES = [
  rule('apim-no-audiences', 'error', 'validate-jwt without <audiences> accepts tokens minted for any other API of the same issuer', 'add <audiences><audience>your API\'s application ID or App ID URI</audience></audiences>'),
  rule('apim-azure-ad-no-audiences', 'warning', 'validate-azure-ad-token without <audiences> or <backend-application-ids> accepts tokens for other APIs the client may call', 'add <audiences> with this API\'s application ID'),
  rule('apim-multi-tenant-any-issuer', 'error', 'openid-config on common/organizations without <issuers> accepts tokens from every Entra tenant', 'list the tenants you trust in <issuers>, or use the tenant-specific openid-config URL'),
  rule('apim-unsigned-tokens', 'error', 'require-signed-tokens="false" accepts unsigned (alg none) tokens anyone can forge', 'remove require-signed-tokens or set it to true'),
  rule('apim-expiration-optional', 'error', 'require-expiration-time="false" accepts tokens without exp, valid forever once leaked', 'remove require-expiration-time or set it to true'),
  rule('apim-clock-skew-large', 'warning', 'clock-skew over 5 minutes keeps expired tokens usable for that long', 'use at most clock-skew="300"'),
  rule('apim-short-symmetric-key', 'error', 'a symmetric signing key shorter than its hash output (32 bytes for HS256) can be brute-forced (RFC 7518 §3.2)', 'use a random key of at least 32 bytes (64 for HS512), or an asymmetric key'),
  rule('apim-rate-limit-unvalidated-key', 'error', 'a rate-limit-by-key or quota-by-key counter-key comes from a client-chosen header (the raw Authorization header included) or an unvalidated token, so callers evade the limit by sending another value: each new string, even a junk token, gets a fresh counter', 'key on the validated token: output-token-variable-name="jwt" and counter-key="@(((Jwt)context.Variables[&quot;jwt&quot;]).Subject)", after validate-jwt'),
  rule('apim-rate-limit-key-not-claim', 'warning', 'a rate-limit-by-key or quota-by-key after token validation keys its counter on something other than a validated claim (the caller\'s address, the subscription, a parsed or computed value): callers behind one address share a budget and one caller with many addresses gets many, while the validated token names the caller. An address key before any validation, for anonymous traffic, is not reported: there is no validated identity to key on yet, and the address is the one thing such a caller cannot choose per request', 'key on the validated token: counter-key="@(((Jwt)context.Variables[&quot;jwt&quot;]).Subject)" with output-token-variable-name="jwt"'),
  rule('apim-authorization-forwarded', 'warning', 'the caller\'s bearer token is forwarded to the backend, which can replay it wherever it is valid', 'add <set-header name="Authorization" exists-action="delete" /> after validation'),
  rule('apim-claim-header-spoofable', 'error', 'a claim header set with exists-action skip or append keeps the client\'s own copy, so callers choose their identity', 'use exists-action="override" (the default), or delete the header before setting it'),
  rule('apim-app-id-uri-audience-v2', 'error', 'every audience is an App ID URI (api://…) but the keys and issuer are Entra\'s v2.0 ones: v2 access tokens always carry the application ID (a GUID) as aud, so every genuine token is refused', 'add the API\'s application ID to <audiences>, or set accessTokenAcceptedVersion and the openid-config to v1 if the API really takes v1 tokens'),
  rule('apim-audience-required-claim-conflict', 'error', '<audiences> and a required aud claim share no value: an Entra token carries one aud, so every token fails one of the two checks', 'list the same audience in both, or drop the aud claim requirement (the <audiences> check is the one to keep)'),
  rule('apim-check-header-authorization', 'error', 'check-header compares the whole Authorization header with fixed values: a static shared secret that never expires, names no caller and works wherever it leaks', 'validate a token instead: validate-jwt or validate-azure-ad-token'),
  rule('apim-hmac-key-named-value', 'warning', 'the token signing key is a symmetric (HMAC) key from a named value: whoever can read it can mint any token the policy accepts (the verifying key is the signing key), and named values are readable by every APIM contributor and written in clear into exports unless marked secret or backed by Key Vault', 'verify asymmetric signatures: openid-config, or issuer-signing-keys with n and e (or certificate-id)'),
  rule('apim-operation-drops-base', 'error', 'an operation, API or product policy whose <inbound> has no <base /> runs none of the enclosing scopes\' inbound policies: the token validation, rate limits or address filters they hold never run for its requests', 'put <base /> first in <inbound> (remove it only where the enclosing scopes\' inbound policies must not run, and then repeat the token validation there)'),
  rule('apim-choose-unvalidated-branch', 'error', 'a <choose> validates tokens in some branches but not in another (or in no <otherwise>), and nothing validates them outside it: requests its conditions send that way reach the backend without any token', 'validate the token once before the <choose> and test only claims inside it, or give every branch and the <otherwise> a validation or a refusing return-response'),
  rule('apim-cors-after-validation', 'warning', 'a <cors> policy runs after token validation in inbound: a browser\'s preflight (OPTIONS, sent without Authorization) is refused by the validation before <cors> can answer it, so every cross-origin call from a browser fails', 'put <cors> first in inbound (at the global or API scope, before <base /> where an enclosing scope validates), ahead of validate-jwt or validate-azure-ad-token'),
  rule('apim-cors-wildcard-credentials', 'error', '<cors> allows any origin (*) with allow-credentials="true": either browsers refuse the credentialed response (the Fetch standard forbids Access-Control-Allow-Origin: * with credentials) or, where the origin is echoed, every website can make credentialed calls with its visitors\' cookies or client certificates', 'list the origins you trust in <allowed-origins>, or set allow-credentials="false" (a bearer token sent in Authorization needs no credentials mode)'),
  rule('unresolved-reference', 'warning', 'a named value or variable reference has no value, so the checks that need it were skipped', 'give its value with --policy-values FILE, a YAML or JSON file of name: value lines'),
  rule('apigee-no-audience', 'error', 'VerifyJWT without <Audience> accepts tokens minted for any other API of the same issuer', 'add <Audience>your API\'s audience</Audience>'),
  rule('apigee-no-issuer', 'warning', 'VerifyJWT without <Issuer> accepts any iss signed by the configured keys', 'add <Issuer>the exact issuer</Issuer>'),
  rule('apigee-ignore-critical-headers', 'error', 'IgnoreCriticalHeaders=true accepts tokens whose crit extensions the proxy does not understand (RFC 7515 §4.1.11)', 'remove IgnoreCriticalHeaders and list understood extensions in <KnownHeaders>'),
  rule('apigee-continue-on-error', 'error', 'continueOnError="true" lets requests with failed tokens continue through the proxy', 'remove continueOnError or set it to false'),
] as const satisfies readonly LintRule[];

export type LintRuleId = (typeof LINT_RULES)[number]['id'];

export function lintRule(id: LintRuleId): LintRule {
  return LINT_RULES.find((r) => r.id === id)!;
}
