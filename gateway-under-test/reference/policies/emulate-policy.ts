import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import { ANY_ISSUER, ANY_TENANT, IDENTITY_CLAIMS, TENANT_PLACEHOLDER, type GatewayConfigInput } from '../config.ts';
import { parseKeyExpression } from './counter-key.ts';
import { emulateChoose } from './emulate-choose.ts';
import { evaluatePolicyExpression } from './policy-expression-evaluate.ts';
import { parsePolicyExpression } from './policy-expression-parse.ts';
import { isExpression } from './element-reader.ts';
import { note, notEmulated, type PolicyCheck, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';
import type { ApigeeVerifyJwt } from './read-apigee-policy.ts';
import type { ApimAzureAdToken, ApimPolicy, ApimRequiredClaim, ApimValidateJwt } from './read-apim-policy.ts';
import type { PolicyValues } from './policy-values.ts';
import { readPolicy, type Policy } from './read-policy.ts';

export interface EmulateOptions {
  file?: string;
  /** Where allowed requests go. */
  upstreamUrl: string;
  /**
   * Base URL standing in for https://login.microsoftonline.com (and https://sts.windows.net): policies
   * name Entra, the emulation trusts the mock IdP at this URL instead.
   */
  authority?: string;
  port?: number;
  fetch?: typeof fetch;
  /** `--policy-values`: what the policy's named values and references stand for. */
  values?: PolicyValues;
  /** An APIOps operation's method and route: its `<choose>` conditions are evaluated for that request. */
  operation?: { method: string; route: string };
}

export interface Emulation {
  kind: 'apim' | 'apigee';
  policy: Policy;
  config: GatewayConfigInput;
  /**
   * What the target promises, when it differs from what runs: an APIOps folder whose operation drops
   * the API's token validation is served unvalidated (`config`), as APIM would, and judged against the
   * validation the API's other operations have (`contract`), so the suite shows what gets through.
   */
  contract?: GatewayConfigInput;
  /** Every remark, with line: what is not emulated (and which checks that affects), and notes. */
  diagnostics: PolicyDiagnostic[];
  notEmulated: PolicyCheck[];
}

const ENTRA = 'https://login.microsoftonline.com';
const STS = 'https://sts.windows.net';
/** APIM's documented asymmetric algorithms (validate-jwt usage notes; ES256 in the newer page). */
const APIM_ALGORITHMS = ['RS256', 'RS512', 'PS256', 'ES256'] as const;
/** No separator in APIM required-claims means the whole value must match: split on nothing that occurs. */
const NO_SPLIT = '\u0000';
const CLAIM_HEADER_FIELD: Record<string, 'userId' | 'tenantId' | 'clientId' | 'roles' | 'scopes'> = {
  oid: 'userId', sub: 'userId', tid: 'tenantId', azp: 'clientId', appid: 'clientId', client_id: 'clientId', roles: 'roles', scp: 'scopes',
};

/**
 * Translates an APIM or Apigee policy into the reference gateway's config with the platform's own
 * semantics where they differ from the reference defaults (APIM: skew 0, exp required, iat not
 * checked, Authorization forwarded unless deleted; Apigee: exp optional, future iat rejected, every
 * failure 401). What can't be expressed is never dropped silently: it becomes a `not-emulated`
 * diagnostic naming the line and the checks it affects.
 */
export async function emulatePolicy(text: string, options: EmulateOptions): Promise<Emulation> {
  const file = options.file ?? 'policy.xml';
  return emulateReadPolicy(readPolicy(text, file, { values: options.values }), options);
}

/** `emulatePolicy` for a policy already read (one composed from an APIOps folder's scopes). */
export async function emulateReadPolicy(policy: Policy, options: EmulateOptions): Promise<Emulation> {
  const file = options.file ?? policy.file;
  const diagnostics = [...policy.diagnostics];
  const ctx = { file, options, diagnostics, fetch: options.fetch ?? fetch };
  const config = policy.kind === 'apim' ? await emulateApim(policy, ctx) : emulateApigee(policy, ctx);
  // Validations only inside <choose>: the first stands for how tokens are validated (emulateApim), and
  // what reads the emulated policy (the harness's trust check, a folder's messages) finds it first.
  if (policy.kind === 'apim' && policy.validations.length === 0 && policy.conditionalValidations.length > 0) {
    policy = { ...policy, validations: [policy.conditionalValidations[0]] };
  }
  config.listen = { host: '127.0.0.1', port: options.port ?? 8080 };
  config.upstream = { url: options.upstreamUrl };
  const checks = new Set<PolicyCheck>();
  for (const d of diagnostics) for (const c of d.checks ?? []) checks.add(c);
  // A <choose> that runs no validation for some requests: served so, judged against the validation the rest have.
  const open = config.routes.filter((r) => r.auth === 'anonymous');
  if (open.length > 0 && policy.kind === 'apim' && !options.operation) {
    const c = policy.chooses[0];
    diagnostics.push(note(c?.file ?? file, c?.line ?? 1, `the <choose> lets ${open.map((r) => `${r.methods?.join(',')} ${r.path}`).join('; ')} through without any token validation; emulated as APIM runs it, unvalidated, and judged against the validation the other requests have`));
    const contract = { ...config, routes: config.routes.map((r) => ({ ...r, auth: 'required' as const })) };
    return { kind: policy.kind, policy, config, contract, diagnostics, notEmulated: [...checks].sort() };
  }
  return { kind: policy.kind, policy, config, diagnostics, notEmulated: [...checks].sort() };
}

interface Ctx {
  file: string;
  options: EmulateOptions;
  diagnostics: PolicyDiagnostic[];
  fetch: typeof fetch;
}

function rewrite(url: string, ctx: Ctx): string {
  const a = ctx.options.authority?.replace(/\/$/, '');
  if (!a) return url;
  if (url.startsWith(ENTRA)) return a + url.slice(ENTRA.length);
  if (url.startsWith(STS)) return a + url.slice(STS.length);
  return url;
}

/** The `issuer` and `jwks_uri` of an OpenID configuration document (OpenID Connect Discovery §3). */
async function discover(url: string, line: number, ctx: Ctx): Promise<{ issuer: string; jwksUri?: string }> {
  try {
    const res = await ctx.fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (res.ok && typeof doc.issuer === 'string') return { issuer: doc.issuer, jwksUri: typeof doc.jwks_uri === 'string' ? doc.jwks_uri : undefined };
    throw new Error(`answered ${res.status} without an issuer`);
  } catch (err) {
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', ctx.file, line, `cannot read the OpenID configuration ${url}: ${(err as Error).message}`);
  }
}

async function discoveredIssuer(url: string, line: number, ctx: Ctx): Promise<string> {
  return (await discover(url, line, ctx)).issuer;
}

type Token = NonNullable<GatewayConfigInput['token']>;
type Issuer = GatewayConfigInput['issuers'][number];

async function emulateApim(policy: ApimPolicy, ctx: Ctx): Promise<GatewayConfigInput> {
  const { diagnostics: d } = ctx;
  const [top, ...more] = policy.validations;
  // Only inside <choose>: the first one stands for how tokens are validated (emulate-choose holds the
  // others to it); its required claims apply where it runs, so they are the routes', not the token's.
  const conditional = policy.conditionalValidations[0];
  const v = top ?? (conditional && policy.inbound.some((s) => s.kind === 'choose') ? { ...conditional, requiredClaims: [] } : undefined);
  if (!v && conditional) {
    const c = policy.chooses.find((x) => x.validates)!;
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', c.file, c.line, `<choose> outside inbound is not emulated: which token validation runs depends on its conditions`);
  }
  if (!v) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', ctx.file, 1, 'no <validate-jwt> or <validate-azure-ad-token>: nothing validates tokens, so there is nothing to emulate');
  // Remarks on the validation name the file it is in (in a composed folder policy, not the operation's).
  const file = v.file;
  ctx = { ...ctx, file };
  for (const m of more) d.push(notEmulated(m.file, m.line, `only the first token validation is emulated; this <${m.kind}> is not`, ['claims']));

  const token: Token = {
    // Microsoft.IdentityModel, which APIM builds on, doesn't look at iat; APIM documents no iat rule.
    rejectFutureIat: false,
    rejectSenderConstrained: false,
    kidAbsent: 'try-all',
    locations: tokenLocation(v, ctx),
  };
  if (v.failedStatus !== 401) token.failureStatus = v.failedStatus;
  if (v.failedMessage !== undefined) d.push(note(file, v.line, 'failed-validation-error-message is not reproduced in the emulated response body'));
  const issuers: Issuer[] = [];
  let audiences: string[] = [];

  if (v.kind === 'validate-jwt') {
    token.requireExp = v.requireExpirationTime;
    if (v.clockSkew > 600) d.push(notEmulated(file, v.line, `clock-skew ${v.clockSkew} s is emulated as 600 s, the reference gateway's maximum`, ['lifetime']));
    token.clockSkewSeconds = Math.min(v.clockSkew, 600);
    if (!v.requireSignedTokens) d.push(notEmulated(file, v.line, 'require-signed-tokens="false": the emulation still requires a signature, real APIM accepts unsigned tokens', ['signature', 'algorithm']));
    if (v.decryptionKeys.length > 0) d.push(notEmulated(file, v.decryptionKeys[0].line, 'decryption-keys (encrypted tokens) are not emulated', ['signature']));
    // <issuers> lists "acceptable principals" (validate-jwt reference): when present, only those are
    // accepted. Keys come from every openid-config and issuer-signing-key; an openid-config's keys serve
    // every listed issuer, as in Microsoft's example of a v2 openid-config with the v1 issuer
    // https://sts.windows.net/{tenant}/ (Entra signs v1 and v2 tokens with the same keys).
    const listed = (v.issuers ?? []).filter((i) => !isExpression(i)).map((i) => rewrite(i, ctx));
    for (const i of v.issuers ?? []) if (isExpression(i)) d.push(notEmulated(file, v.issuersLine ?? v.line, `<issuer> ${i} is a policy expression; not emulated`, ['issuer']));
    const covered = new Set<string>();
    const configKeys: { jwksUri: string; line: number }[] = [];
    for (const oc of v.openidConfigs) {
      if (isExpression(oc.url)) {
        d.push(notEmulated(file, oc.line, 'openid-config url is a policy expression', ['signature', 'issuer']));
        continue;
      }
      const url = rewrite(oc.url, ctx);
      const { issuer, jwksUri } = await discover(url, oc.line, ctx);
      if (jwksUri && !jwksUri.includes(TENANT_PLACEHOLDER)) configKeys.push({ jwksUri, line: oc.line });
      if (issuer.includes(TENANT_PLACEHOLDER)) {
        // common/organizations: the metadata names a template; without <issuers> every tenant's token is accepted.
        const [prefix, suffix] = issuer.split(TENANT_PLACEHOLDER);
        const tenants = listed.filter((i) => i.startsWith(prefix) && i.endsWith(suffix)).map((i) => i.slice(prefix.length, i.length - suffix.length));
        for (const i of listed) if (i.startsWith(prefix) && i.endsWith(suffix)) covered.add(i);
        if (!v.issuers || tenants.length > 0) issuers.push({ issuer, discoveryUrl: url, algorithms: [...APIM_ALGORITHMS], tenants: v.issuers ? tenants : [ANY_TENANT] });
      } else {
        if (!v.issuers || listed.includes(issuer)) issuers.push({ issuer, discoveryUrl: url, algorithms: [...APIM_ALGORITHMS] });
        covered.add(issuer);
      }
    }
    if (configKeys.length > 0) {
      if (configKeys.length > 1) d.push(note(file, configKeys[1].line, 'issuers listed in <issuers> but named by no openid-config are emulated with the keys of the first openid-config only'));
      for (const i of listed) {
        if (covered.has(i)) continue;
        // Entra's v2 key set names the v2 issuer on every key, and the reference gateway holds a token to
        // its key's issuer. The tenant's v1 key set is the same keys without that member: Microsoft's
        // example only works if APIM does not hold a v1 token to it.
        const v1Keys = !/\/v2\.0\/?$/.test(i) && /\/discovery\/v2\.0\/keys$/.test(configKeys[0].jwksUri);
        const jwksUri = v1Keys ? configKeys[0].jwksUri.replace(/\/discovery\/v2\.0\/keys$/, '/discovery/keys') : configKeys[0].jwksUri;
        if (v1Keys) d.push(note(file, configKeys[0].line, `issuer ${i} is verified with the tenant's keys at ${jwksUri} (Entra's v2 key set, the same keys, names the v2 issuer on each)`));
        issuers.push({ issuer: i, jwksUri, algorithms: [...APIM_ALGORITHMS] });
        covered.add(i);
      }
    }
    const jwks = v.signingKeys.flatMap((k) => {
      if (k.n && k.e) return [{ kty: 'RSA', n: k.n, e: k.e, ...(k.id ? { kid: k.id } : {}) }];
      d.push(notEmulated(file, k.line, unemulatedKey(k), ['signature', 'algorithm']));
      return [];
    });
    if (jwks.length > 0) {
      if (v.issuers) for (const i of listed) issuers.push({ issuer: i, keys: jwks, algorithms: [...APIM_ALGORITHMS] });
      else issuers.push({ issuer: ANY_ISSUER, keys: jwks, algorithms: [...APIM_ALGORITHMS] });
      for (const i of listed) covered.add(i);
    }
    for (const i of listed) if (!covered.has(i)) d.push(notEmulated(file, v.issuersLine ?? v.line, `issuer ${i} has no key source in this policy; not emulated`, ['issuer']));
    if (issuers.length === 0) {
      const why = v.signingKeys.map((k) => `line ${k.line}: ${unemulatedKey(k)}`);
      throw new PolicyError(
        'ERR_POLICY_NOT_EMULABLE',
        file,
        v.signingKeys[0]?.line ?? v.line,
        why.length > 0 ? `no key gatecheck can verify tokens with (${why.join('; ')})` : '<validate-jwt> has neither <openid-config> nor <issuer-signing-keys>: no token can be verified',
      );
    }
    const folded = foldAudienceClaims(literalAudiences(v.audiences ?? [], v.audiencesLine ?? v.line, ctx), v.requiredClaims);
    audiences = folded.audiences;
    if (audiences.length === 0) token.checkAudience = false;
    applyRequiredClaims(folded.claims, token, ctx);
  } else {
    emulateAzureAdClaims(v, token, ctx);
    const base = rewrite(v.authenticationEndpoint?.replace(/\/$/, '') ?? ENTRA, ctx);
    if (isExpression(v.tenantId)) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, v.line, 'tenant-id is a policy expression');
    for (const url of [`${base}/${v.tenantId}/v2.0/.well-known/openid-configuration`, `${base}/${v.tenantId}/.well-known/openid-configuration`]) {
      issuers.push({ issuer: await discoveredIssuer(url, v.line, ctx), discoveryUrl: url, algorithms: ['RS256'] });
    }
    audiences = literalAudiences([...(v.audiences ?? []), ...v.backendApplicationIds], v.line, ctx);
    if (audiences.length === 0) token.checkAudience = false;
  }

  const forwardAuthorization = !policy.setHeaders.some((h) => h.section === 'inbound' && h.name.toLowerCase() === 'authorization' && h.existsAction === 'delete');
  const config: GatewayConfigInput = {
    issuers,
    audiences,
    token,
    // APIM's documented openid-config refresh: hourly, and at most once per 5 minutes on an unknown kid.
    jwks: { refreshSeconds: 3600, unknownKidCooldownSeconds: 300 },
    routes: [{ path: '/*', methods: ['*'], forwardAuthorization }],
    upstream: { url: ctx.options.upstreamUrl },
  };
  const chosen = emulateChoose(policy, v, ctx.options.operation, d);
  if (chosen) config.routes = chosen.map((r) => ({ ...r, forwardAuthorization }));
  emulateRateLimits(policy, v, config, ctx);
  emulateSetHeaders(policy, v, config, ctx);
  for (const ch of policy.checkHeaders) {
    if (ch.name.toLowerCase() === v.headerName?.toLowerCase() && ch.values.length === 0) continue;
    d.push(notEmulated(ch.file, ch.line, `<check-header name="${ch.name}"> is not emulated`, ['request-checks']));
  }
  return config;
}

/** Why an issuer-signing-key is not emulated. */
function unemulatedKey(k: ApimValidateJwt['signingKeys'][number]): string {
  if (k.certificateId) return `<key certificate-id="${k.certificateId}"> names a certificate uploaded to the APIM instance, which this file does not contain; give the key as n and e (gatecheck export prints them)`;
  const from = k.namedValue ? ` from named value ${k.namedValue}` : '';
  return `<key>${from} is a symmetric (HMAC) key; not emulated: the reference gateway verifies only asymmetric signatures (RFC 8725 §3.1)`;
}

function tokenLocation(v: ApimValidateJwt | ApimAzureAdToken, ctx: Ctx): NonNullable<Token['locations']> {
  if (v.queryParameterName !== undefined && !isExpression(v.queryParameterName)) return { header: false, query: true, queryParameter: v.queryParameterName };
  if (v.headerName !== undefined && !isExpression(v.headerName)) {
    const auth = v.headerName.toLowerCase() === 'authorization';
    const scheme = v.kind === 'validate-jwt' ? v.requireScheme : 'Bearer';
    if (auth && scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
      ctx.diagnostics.push(notEmulated(ctx.file, v.line, `require-scheme="${scheme}" is not emulated (only Bearer)`, ['token-location']));
    }
    // With a custom header APIM ignores require-scheme (documented): the header carries the bare token.
    return { headerName: v.headerName, scheme: auth && scheme === undefined ? 'bearer-optional' : 'bearer' };
  }
  ctx.diagnostics.push(notEmulated(ctx.file, v.line, 'the token comes from a policy expression (token-value); emulated as Authorization: Bearer', ['token-location']));
  return {};
}

/**
 * The audiences gatecheck can compare. One computed by a policy expression (the documented
 * `@(context.Request.OriginalUrl.Host)`) is known only to APIM at run time: the audience cases are then
 * reported as not emulated instead of being judged against a literal no token carries.
 */
function literalAudiences(values: string[], line: number, ctx: Ctx): string[] {
  const expressions = values.filter(isExpression);
  if (expressions.length > 0) ctx.diagnostics.push(notEmulated(ctx.file, line, `audience ${expressions.join(', ')} is a policy expression; not emulated`, ['audience']));
  return values.filter((a) => !isExpression(a));
}

/**
 * A required `aud` claim is an audience check: the accepted audiences become those both it and
 * <audiences> allow, so the contract says what is checked (and audience cases are judged) rather than
 * a claim rule every case token would be fitted to. One whose values <audiences> never allows, or that
 * splits or needs several values at once, stays a claim rule: no Entra token passes both, as in APIM.
 */
function foldAudienceClaims(audiences: string[], claims: ApimRequiredClaim[]): { audiences: string[]; claims: ApimRequiredClaim[] } {
  let accepted = audiences;
  const rest: ApimRequiredClaim[] = [];
  for (const c of claims) {
    const single = c.match === 'any' || new Set(c.values).size === 1;
    if (c.name !== 'aud' || c.values.length === 0 || c.separator || !single || c.values.some(isExpression)) {
      rest.push(c);
      continue;
    }
    const both = accepted.length > 0 ? accepted.filter((a) => c.values.includes(a)) : [...new Set(c.values)];
    if (both.length === 0) rest.push(c);
    else accepted = both;
  }
  return { audiences: accepted, claims: rest };
}

function applyRequiredClaims(claims: ApimRequiredClaim[], token: Token, ctx: Ctx): void {
  for (const c of claims) {
    if (isExpression(c.name) || c.values.some(isExpression)) {
      ctx.diagnostics.push(notEmulated(ctx.file, c.line, `<claim name="${c.name}"> is computed by a policy expression; not emulated`, ['claims']));
      continue;
    }
    if (c.values.length === 0) (token.requiredClaims ??= []).push(c.name);
    else (token.claimValues ??= []).push({ claims: [c.name], values: c.values, match: c.match, separator: c.separator || NO_SPLIT });
  }
}

function emulateAzureAdClaims(v: ApimAzureAdToken, token: Token, ctx: Ctx): void {
  // Entra app tokens name the caller in azp (v2) or appid (v1).
  (token.claimValues ??= []).push({ claims: ['azp', 'appid'], values: v.clientApplicationIds, match: 'any', separator: NO_SPLIT });
  applyRequiredClaims(v.requiredClaims, token, ctx);
  ctx.diagnostics.push(note(ctx.file, v.line, 'validate-azure-ad-token: exp required and no clock skew assumed (not documented by Microsoft)'));
  if (v.decryptionKeysLine !== undefined) ctx.diagnostics.push(notEmulated(ctx.file, v.decryptionKeysLine, 'decryption-keys (encrypted tokens) are not emulated', ['signature']));
  // Learn documents backend-application-ids only as "acceptable backend application IDs": emulated as accepted audiences.
  if (v.backendApplicationIds.length > 0) ctx.diagnostics.push(note(ctx.file, v.line, 'backend-application-ids are emulated as audiences the token may carry, alongside <audiences>'));
}

const QUOTA_PAGE = 'https://learn.microsoft.com/azure/api-management/quota-by-key-policy';

/**
 * rate-limit-by-key and quota-by-key, in the order they run: the first becomes the reference gateway's
 * one rate limit, keyed on a validated identity claim or the caller address.
 *
 * A quota-by-key (QUOTA_PAGE) counts `calls` in a fixed window of `renewal-period` seconds that renews
 * (from `first-period-start`); the reference gateway's limiter is a sliding window of that length. Inside
 * one window the N+1th call is refused by both, which is all the rate-limit cases send; across a renewal
 * APIM admits a fresh N at once where the sliding window still counts the calls of the last period, so
 * there the emulation is stricter, and no case probes it. APIM answers an exceeded quota with 403
 * Forbidden and Retry-After, the reference gateway with 429: the rate-limit checks are reported as not
 * emulated for a quota rather than judged by a status APIM does not send. `bandwidth` (kilobytes) is
 * not counted; `renewal-period="0"` (a lifetime quota) and periods over a day are not emulated.
 */
function emulateRateLimits(policy: ApimPolicy, v: ApimPolicy['validations'][number], config: GatewayConfigInput, ctx: Ctx): void {
  const { diagnostics: d } = ctx;
  const limits = [...policy.rateLimits, ...policy.quotas].sort((a, b) => a.index - b.index);
  limits.forEach((rl, i) => {
    const what = rl.quota ? 'quota-by-key' : 'rate-limit-by-key';
    if (i > 0) return void d.push(notEmulated(rl.file, rl.line, `only the first rate-limit-by-key or quota-by-key is emulated; this <${what}> is not`, ['rate-limit']));
    if (rl.quota) {
      const q = rl.quota;
      if (q.bandwidth !== undefined) d.push(notEmulated(rl.file, rl.line, `quota-by-key bandwidth="${q.bandwidth}" (kilobytes) is not emulated${rl.calls ? '; only calls are counted' : ''}`, ['rate-limit']));
      if (!rl.calls) return;
      if (q.incrementCount !== undefined && q.incrementCount.trim() !== '1') return void d.push(notEmulated(rl.file, rl.line, `quota-by-key increment-count="${q.incrementCount}" is not emulated (the reference gateway counts each request once)`, ['rate-limit']));
      if (Number(rl.renewalPeriod) === 0) return void d.push(notEmulated(rl.file, rl.line, 'quota-by-key renewal-period="0" is a lifetime quota; not emulated (the reference gateway\'s windows are at most a day)', ['rate-limit']));
      if (Number(rl.renewalPeriod) > 86_400) return void d.push(notEmulated(rl.file, rl.line, `quota-by-key renewal-period="${rl.renewalPeriod}" is longer than a day, the reference gateway's longest window; not emulated`, ['rate-limit']));
      d.push(notEmulated(rl.file, rl.line, `quota-by-key is emulated as a sliding window of ${rl.renewalPeriod} s (APIM's renews fixed windows${q.firstPeriodStart ? ` from ${q.firstPeriodStart}` : ''}) refused with 429, where APIM answers an exceeded quota with 403 and Retry-After (${QUOTA_PAGE}): the rate-limit cases' status is not judged`, ['rate-limit']));
    }
    const calls = Number(rl.calls);
    const period = Number(rl.renewalPeriod);
    if (!Number.isInteger(calls) || calls < 1 || !(period > 0)) return void d.push(notEmulated(rl.file, rl.line, 'calls or renewal-period is not a plain number', ['rate-limit']));
    const counts = rl.incrementCondition ? incrementCondition(rl.incrementCondition, rl.file, rl.line, config.routes, d) : () => true;
    const src = parseKeyExpression(rl.counterKey);
    let key: string | undefined;
    if (src.kind === 'ip') key = 'client_ip';
    else if (src.kind === 'validated-claim' && src.variable === v.outputVariable && (IDENTITY_CLAIMS as readonly string[]).includes(src.claim) && rl.index > v.index) key = src.claim;
    else if (src.kind === 'parsed-claim' && rl.index > v.index && (IDENTITY_CLAIMS as readonly string[]).includes(src.claim)) key = src.claim;
    if (!key) return void d.push(notEmulated(rl.file, rl.line, `counter-key ${rl.counterKey} is not emulated (the reference gateway keys limits on validated identity claims or the caller address)`, ['rate-limit']));
    config.rateLimits = { policy: { key: [key as 'sub'], limit: calls, windowSeconds: period } };
    // A route no validation guards has no validated claim to count by: APIM's key expression fails there.
    for (const route of config.routes) if ((route.auth !== 'anonymous' || key === 'client_ip') && counts(route)) route.rateLimit = 'policy';
  });
}

/**
 * Which routes an increment-condition counts on: evaluated (policy-expression-evaluate.ts) for each
 * route's methods and path. One that reads anything else (the response, claims, headers), or that
 * differs between methods sharing a route, counts every allowed request and says so.
 */
function incrementCondition(condition: string, file: string, line: number, routes: GatewayConfigInput['routes'], d: PolicyDiagnostic[]): (route: GatewayConfigInput['routes'][number]) => boolean {
  const all = () => true;
  const refuse = (why: string) => (d.push(notEmulated(file, line, `not emulated: increment-condition ${condition} at ${file}:${line} (${why}); every allowed request counts`, ['rate-limit'])), all);
  if (!isExpression(condition)) return /^\s*true\s*$/i.test(condition) ? all : refuse('not a policy expression');
  const parsed = parsePolicyExpression(condition);
  if (!parsed.ok) return refuse(parsed.reason);
  const verdicts = new Map<GatewayConfigInput['routes'][number], boolean>();
  const readsPath = JSON.stringify(parsed.expr).includes('"name":"Path"');
  for (const route of routes) {
    if (readsPath && route.path.endsWith('*')) return refuse(`it reads the path, and route ${route.path} is a prefix`);
    const methods = !route.methods || route.methods.includes('*') ? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'GATECHECKOTHER'] : route.methods;
    const path = route.path.replace(/\*$/, '');
    const values = new Set<unknown>();
    for (const method of methods) {
      const r = evaluatePolicyExpression(parsed.expr, { method, path, ipAddress: '192.0.2.1', headers: {}, query: {}, variables: {}, subscription: null });
      if (r.kind !== 'value') return refuse(r.kind === 'unsupported' ? r.message : `it reads what the request has not yet given: ${r.message}`);
      if (typeof r.value !== 'boolean') return refuse('its value is not a bool');
      values.add(r.value);
    }
    if (values.size > 1) return refuse(`it differs between the methods of route ${route.path}`);
    verdicts.set(route, values.has(true));
  }
  return (route) => verdicts.get(route) ?? true;
}

function emulateSetHeaders(policy: ApimPolicy, v: ApimPolicy['validations'][number], config: GatewayConfigInput, ctx: Ctx): void {
  const { diagnostics: d } = ctx;
  const names: Record<string, string> = {};
  const covered = new Set<string>();
  for (const h of policy.setHeaders) {
    const lower = h.name.toLowerCase();
    if (lower === 'authorization') continue;
    const sources = h.values.map(parseKeyExpression);
    const claim = sources.find((s) => s.kind === 'validated-claim' || s.kind === 'parsed-claim') as { claim: string; variable?: string } | undefined;
    if (!claim) {
      if (h.existsAction === 'delete') covered.add(lower);
      else d.push(note(h.file, h.line, `<set-header name="${h.name}"> carries no token claim; not emulated (no effect on validation)`));
      continue;
    }
    const field = CLAIM_HEADER_FIELD[claim.claim];
    if (!field || h.section !== 'inbound' || (claim.variable !== undefined && claim.variable !== v.outputVariable)) {
      d.push(notEmulated(h.file, h.line, `<set-header name="${h.name}"> forwards claim ${claim.claim} in a way the claims contract can't express`, ['claim-headers']));
      continue;
    }
    if (h.existsAction === 'skip' || h.existsAction === 'append') {
      d.push(notEmulated(h.file, h.line, `exists-action="${h.existsAction}" keeps the client's own ${h.name}; the emulation replaces it`, ['claim-headers']));
    }
    names[field] = h.name;
    covered.add(lower);
  }
  if (Object.keys(names).length > 0) config.claimHeaders = names;
  const contract = ['userId', 'tenantId', 'clientId', 'roles', 'scopes'].map((f) => (names[f] ?? `X-${{ userId: 'User-Id', tenantId: 'Tenant-Id', clientId: 'Client-Id', roles: 'Roles', scopes: 'Scopes' }[f]}`).toLowerCase());
  const uncovered = contract.filter((n) => !covered.has(n));
  if (uncovered.length > 0) {
    d.push(notEmulated(v.file, v.line, `the emulation always sets and strips ${uncovered.join(', ')}; real APIM forwards a client's copy of a header no set-header overrides or deletes`, ['claim-headers']));
  }
}

function emulateApigee(p: ApigeeVerifyJwt, ctx: Ctx): GatewayConfigInput {
  const { file, diagnostics: d } = ctx;
  if (p.encryptedLine !== undefined) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, p.encryptedLine, '<Algorithms>: encrypted JWTs (JWE) are not emulated; gatecheck emulates signed JWTs (<Algorithm>)');
  if (!p.enabled) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, p.line, 'enabled="false": the policy never runs, nothing is validated');
  if (p.continueOnError) d.push(notEmulated(file, p.line, 'continueOnError="true": real Apigee lets failed tokens continue; the emulation rejects them', ['signature', 'issuer', 'audience', 'lifetime', 'claims']));
  const asym = p.algorithms.filter((a) => !a.startsWith('HS'));
  if (asym.length < p.algorithms.length) d.push(notEmulated(file, p.algorithmsLine, 'HS* algorithms (SecretKey) are not emulated: the reference gateway refuses HMAC', ['signature', 'algorithm']));
  if (asym.length === 0) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, p.algorithmsLine, 'only HMAC algorithms: nothing the reference gateway can verify');
  const token: Token = {
    requireExp: false,
    rejectFutureIat: !p.ignoreIssuedAt,
    rejectSenderConstrained: false,
    clockSkewSeconds: Math.min(p.timeAllowance, 600),
    kidAbsent: 'reject',
    understoodCritical: p.knownHeaders,
  };
  if (p.timeAllowance > 600) d.push(notEmulated(file, p.timeAllowanceLine ?? p.line, `TimeAllowance ${p.timeAllowance} s is emulated as 600 s`, ['lifetime']));
  if (p.ignoreCriticalHeaders) d.push(notEmulated(file, p.ignoreCriticalHeadersLine ?? p.line, 'IgnoreCriticalHeaders=true: real Apigee ignores crit; the emulation still rejects unknown crit', ['critical-headers']));
  if (p.maxLifespan) {
    token.maxLifetimeSeconds = p.maxLifespan.seconds;
    d.push(note(file, p.maxLifespan.line, 'MaxLifespan emulated as exp minus iat (or nbf) at most this long; useIssueTime details are not documented precisely'));
  }
  // Source: documented default request.header.authorization, Bearer prefix removed.
  const src = p.source ?? 'request.header.authorization';
  const header = /^request\.header\.([\w-]+)$/i.exec(src);
  const query = /^request\.queryparam\.([\w-]+)$/i.exec(src);
  if (header) token.locations = header[1].toLowerCase() === 'authorization' ? {} : { headerName: header[1] };
  else if (query) token.locations = { header: false, query: true, queryParameter: query[1] };
  else d.push(notEmulated(file, p.sourceLine ?? p.line, `<Source>${src}</Source> is not emulated; emulated as Authorization: Bearer`, ['token-location']));

  const pk = p.publicKey!;
  const issuer = p.issuer?.value ? rewrite(p.issuer.value, ctx) : ANY_ISSUER;
  if (p.issuer?.ref && !p.issuer.value) d.push(notEmulated(file, p.issuer.line, 'Issuer ref (a flow variable) without a value: any issuer accepted', ['issuer']));
  let keySource: Pick<Issuer, 'jwksUri' | 'keys'>;
  try {
    if (pk.jwksUri && !isExpression(pk.jwksUri) && !pk.jwksUri.includes('{')) keySource = { jwksUri: rewrite(pk.jwksUri, ctx) };
    else if (pk.jwksInline) keySource = { keys: (JSON.parse(pk.jwksInline) as { keys: Record<string, unknown>[] }).keys };
    else if (pk.valuePem) keySource = { keys: [createPublicKey(pk.valuePem).export({ format: 'jwk' }) as Record<string, unknown>] };
    else if (pk.certificatePem) keySource = { keys: [new X509Certificate(pk.certificatePem).publicKey.export({ format: 'jwk' }) as JsonWebKey as Record<string, unknown>] };
    else throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, pk.line, 'the public key comes from a flow variable (ref) or a templated URI; gatecheck cannot resolve it');
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError('ERR_POLICY_INVALID', file, pk.line, `<PublicKey> can't be read: ${(err as Error).message} (Apigee KeyParsingFailed)`);
  }
  const audiences = p.audience?.value ? p.audience.value.split(',').map((a) => a.trim()).filter(Boolean) : [];
  if (audiences.length === 0) token.checkAudience = false;
  if (p.audience?.ref && !p.audience.value) d.push(notEmulated(file, p.audience.line, 'Audience ref (a flow variable) without a value: aud unchecked', ['audience']));
  const claimValues: NonNullable<Token['claimValues']> = [];
  if (p.subject?.value) claimValues.push({ claims: ['sub'], values: [p.subject.value], match: 'any', separator: NO_SPLIT });
  if (p.id?.value) claimValues.push({ claims: ['jti'], values: [p.id.value], match: 'any', separator: NO_SPLIT });
  for (const c of p.additionalClaims) {
    if (c.value === undefined) d.push(notEmulated(file, c.line, `<Claim name="${c.name}"> without a literal value is not emulated`, ['claims']));
    else if (c.array) claimValues.push({ claims: [c.name], values: c.value.split(',').map((x) => x.trim()), match: 'all', separator: NO_SPLIT });
    else if (c.type === 'string') claimValues.push({ claims: [c.name], values: [c.value], match: 'any', separator: NO_SPLIT });
    else d.push(notEmulated(file, c.line, `<Claim name="${c.name}" type="${c.type}"> is not emulated (string claims only)`, ['claims']));
  }
  for (const h of p.additionalHeaders) d.push(notEmulated(file, h.line, `<AdditionalHeaders> ${h.name} is not emulated`, ['claims']));
  if (claimValues.length > 0) token.claimValues = claimValues;
  return {
    issuers: [{ issuer, ...keySource, algorithms: asym as ['RS256'] }],
    audiences,
    token,
    // Apigee leaves the verified JWT in flow variables; forwarding the Authorization header is the proxy's default.
    routes: [{ path: '/*', methods: ['*'], forwardAuthorization: true }],
    upstream: { url: ctx.options.upstreamUrl },
  };
}
