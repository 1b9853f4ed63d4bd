import { parseKeyExpression } from './counter-key.ts';
import { isExpression } from './element-reader.ts';
import { lintRule, type LintRuleId } from './lint-rules.ts';
import type { PolicyDiagnostic } from './policy-diagnostic.ts';
import type { PolicyValues } from './policy-values.ts';
import type { ApigeeVerifyJwt } from './read-apigee-policy.ts';
import type { ApimPolicy, ApimStep, ApimValidateJwt } from './read-apim-policy.ts';
import type { PolicyElement } from './parse-policy-xml.ts';
import { readApimFolder } from './read-apim-folder.ts';
import { readParsedPolicy, readPolicy, type Policy } from './read-policy.ts';

const MULTI_TENANT = /\/(common|organizations|consumers)(\/|$)/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const V2_OPENID_CONFIG = /\/v2\.0\/\.well-known\/openid-configuration/i;
const CLAIM_HEADER_CLAIMS = new Set(['oid', 'sub', 'tid', 'azp', 'appid', 'client_id', 'roles', 'scp', 'upn', 'email', 'preferred_username', 'groups', 'name']);

const NAMED_VALUE = /\{\{.*\}\}/;

/**
 * Lints one policy file; throws PolicyError (exit 2) when it can't be read at all. References without
 * a value (no values file, or one that lacks them) are findings, and the checks that need them skip.
 */
export function lintPolicy(text: string, file: string, options: { values?: PolicyValues } = {}): PolicyDiagnostic[] {
  return lintReadPolicy(readPolicy(text, file, { values: options.values, unresolved: 'keep' }), file);
}

/** Security controls an enclosing scope's inbound holds, which a section without `<base />` drops. */
const CONTROLS = new Set(['validate-jwt', 'validate-azure-ad-token', 'rate-limit', 'rate-limit-by-key', 'quota', 'quota-by-key', 'ip-filter', 'check-header', 'validate-client-certificate']);

/**
 * Lints an APIOps-extracted folder: each operation's composed policy (operation → API → product →
 * global) as one policy, every finding naming the file and line it is in (a finding in the API's
 * policy is reported once, not once per operation), and each scope whose inbound drops the enclosing
 * scopes' security controls by leaving out `<base />`.
 */
export async function lintApimFolder(dir: string, options: { values?: PolicyValues } = {}): Promise<PolicyDiagnostic[]> {
  const folder = await readApimFolder(dir);
  const out: PolicyDiagnostic[] = [];
  const add = (d: PolicyDiagnostic) => {
    if (!out.some((x) => x.file === d.file && x.line === d.line && x.rule === d.rule && x.message === d.message)) out.push(d);
  };
  for (const op of folder.operations) {
    for (const d of lintReadPolicy(readParsedPolicy(op.document, op.file, { values: options.values, unresolved: 'keep' }), op.file)) add(d);
    for (const drop of op.drops) {
      const controls = [...new Set(drop.dropped.flatMap(controlsIn))];
      if (controls.length === 0) continue;
      const r = lintRule('apim-operation-drops-base');
      add({ severity: r.severity, rule: r.id, message: `${r.summary} (drops ${controls.map((c) => `<${c}>`).join(', ')})`, file: drop.file, line: drop.line });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

function controlsIn(el: PolicyElement): string[] {
  return [...(CONTROLS.has(el.name) ? [el.name] : []), ...el.children.flatMap(controlsIn)];
}

function lintReadPolicy(policy: Policy, file: string): PolicyDiagnostic[] {
  const out: PolicyDiagnostic[] = [];
  const hit = (id: LintRuleId, line: number, detail?: string, where = file) => {
    const r = lintRule(id);
    out.push({ severity: r.severity, rule: id, message: detail ? `${r.summary} (${detail})` : r.summary, file: where, line });
  };
  for (const u of policy.unresolved) hit('unresolved-reference', u.line, u.written, u.file);
  if (policy.kind === 'apim') lintApim(policy, hit);
  else lintApigee(policy, hit);
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

type Hit = (id: LintRuleId, line: number, detail?: string, file?: string) => void;

/** Values to compare: neither a policy expression nor a named value without a value. */
const literal = (values: readonly string[]) => values.filter((a) => !isExpression(a) && !NAMED_VALUE.test(a));

function lintApim(p: ApimPolicy, hit: Hit): void {
  for (const v of [...p.validations, ...p.conditionalValidations]) {
    // A required aud claim with values checks the audience as surely as <audiences> does.
    const audClaims = v.requiredClaims.filter((c) => c.name === 'aud' && c.values.length > 0);
    if (v.kind === 'validate-jwt') {
      if (!v.audiences && audClaims.length === 0) hit('apim-no-audiences', v.line, undefined, v.file);
      lintAudienceForms(v, audClaims, hit);
      for (const oc of v.openidConfigs) if (MULTI_TENANT.test(oc.url) && !v.issuers) hit('apim-multi-tenant-any-issuer', oc.line, undefined, v.file);
      if (!v.requireSignedTokens) hit('apim-unsigned-tokens', v.line, undefined, v.file);
      if (!v.requireExpirationTime) hit('apim-expiration-optional', v.line, undefined, v.file);
      if (v.clockSkew > 300) hit('apim-clock-skew-large', v.line, `${v.clockSkew} s`, v.file);
      for (const k of v.signingKeys) {
        if (!k.base64) continue;
        if (k.namedValue || NAMED_VALUE.test(k.base64)) hit('apim-hmac-key-named-value', k.line, k.namedValue ?? k.base64, v.file);
        if (isExpression(k.base64) || NAMED_VALUE.test(k.base64)) continue;
        const bytes = Buffer.from(k.base64, 'base64').length;
        if (bytes < 32) hit('apim-short-symmetric-key', k.line, `${bytes} bytes`, v.file);
      }
    } else if (!v.audiences && v.backendApplicationIds.length === 0 && audClaims.length === 0) {
      hit('apim-azure-ad-no-audiences', v.line, undefined, v.file);
    }
    const audiences = literal(v.audiences ?? []);
    for (const c of audClaims) {
      const values = literal(c.values);
      if (audiences.length === 0 || values.length !== c.values.length || (v.audiences ?? []).length !== audiences.length) continue;
      if (!values.some((x) => audiences.includes(x))) hit('apim-audience-required-claim-conflict', c.line, `<audiences> ${audiences.join(', ')}; aud claim ${values.join(', ')}`, v.file);
    }
  }
  for (const rl of [...p.rateLimits, ...p.quotas]) {
    const src = parseKeyExpression(rl.counterKey);
    const before = p.validations.filter((v) => v.index < rl.index);
    const unvalidated =
      src.kind === 'header' ||
      (src.kind === 'parsed-claim' && before.length === 0) ||
      (src.kind === 'validated-claim' && !before.some((v) => v.outputVariable === src.variable));
    if (unvalidated) hit('apim-rate-limit-unvalidated-key', rl.line, rl.counterKey, rl.file);
    else if (before.length > 0 && src.kind !== 'validated-claim') hit('apim-rate-limit-key-not-claim', rl.line, rl.counterKey, rl.file);
  }
  // A validation before or after the <choose> guards every request; without one, each way through it must validate.
  if (p.validations.length === 0) {
    for (const step of p.inbound) {
      if (step.kind !== 'choose') continue;
      const ways = [...step.branches.map((b) => ({ steps: b.steps, file: b.file, line: b.line })), { steps: step.otherwise, file: step.file, line: step.line }];
      if (!ways.some((w) => w.steps && guards(w.steps))) continue;
      for (const w of ways) {
        if (w.steps && guards(w.steps)) continue;
        hit('apim-choose-unvalidated-branch', w.line, w.steps ? 'this <when> runs no validation' : 'no <otherwise>: a request no <when> matches runs no validation', w.file);
      }
    }
  }
  lintCors(p, hit);
  for (const ch of p.checkHeaders) {
    if (ch.name.toLowerCase() === 'authorization' && ch.values.length > 0) hit('apim-check-header-authorization', ch.line, undefined, ch.file);
  }
  const validations = [...p.validations, ...p.conditionalValidations];
  if (validations.length > 0 && !p.setHeaders.some((h) => h.section === 'inbound' && h.name.toLowerCase() === 'authorization' && h.existsAction === 'delete')) {
    hit('apim-authorization-forwarded', validations[0].line, undefined, validations[0].file);
  }
  for (const h of p.setHeaders) {
    if (h.existsAction !== 'skip' && h.existsAction !== 'append') continue;
    const carriesClaim = h.values.some((v) => {
      const s = parseKeyExpression(v);
      return (s.kind === 'validated-claim' || s.kind === 'parsed-claim') && CLAIM_HEADER_CLAIMS.has(s.claim);
    }) || h.values.some((v) => /AsJwt\(\)|\(Jwt\)|context\.Variables/.test(v));
    if (carriesClaim) hit('apim-claim-header-spoofable', h.line, `${h.name}, exists-action="${h.existsAction}"`, h.file);
  }
}

/**
 * `<cors>` (https://learn.microsoft.com/azure/api-management/cors-policy): APIM runs inbound policies in
 * order (https://learn.microsoft.com/azure/api-management/api-management-howto-policies), so a token
 * validation before `<cors>` meets the browser's preflight first, and a preflight carries no
 * Authorization (the Fetch standard's CORS-preflight request excludes credentials): refused with the
 * validation's 401. Learn's cors page documents how `<cors>` answers preflights, not where to place it;
 * the placement follows from the order, and a stored Learn sentence saying "put it first" was not found.
 * Wildcard with credentials: whether APIM refuses it when the policy is saved could not be verified on
 * Learn, so it is a lint error rather than a refusal.
 */
function lintCors(p: ApimPolicy, hit: Hit): void {
  for (const c of p.cors) {
    if (c.section === 'inbound') {
      const before = p.validations.find((v) => v.index < c.index);
      if (before) hit('apim-cors-after-validation', c.line, `<${before.kind}> at ${before.file}:${before.line} runs first`, c.file);
    }
    const any = c.origins.find((o) => o.value === '*');
    if (any && c.allowCredentials.toLowerCase() === 'true') hit('apim-cors-wildcard-credentials', any.line, undefined, c.file);
  }
}

/** Whether every way through these steps validates a token or refuses the request. */
function guards(steps: ApimStep[]): boolean {
  for (const s of steps) {
    if (s.kind === 'validate') return true;
    if (s.kind === 'return-response') return s.status === null || s.status >= 400;
    if (s.kind === 'choose' && s.branches.every((b) => guards(b.steps)) && s.otherwise && guards(s.otherwise)) return true;
  }
  return false;
}

/**
 * Entra v2 access tokens carry the application id (a GUID) as aud; an App ID URI only appears in v1
 * tokens (sts.windows.net issuer). Behind v2 keys and issuer alone, audiences that are all App ID URIs
 * refuse every genuine token.
 */
function lintAudienceForms(v: ApimValidateJwt, audClaims: ApimValidateJwt['requiredClaims'], hit: Hit): void {
  const v2Only = v.openidConfigs.length > 0 && v.openidConfigs.every((oc) => V2_OPENID_CONFIG.test(oc.url)) && !(v.issuers ?? []).some((i) => !/\/v2\.0\/?$/.test(i));
  if (!v2Only) return;
  const forms = [{ values: v.audiences ?? [], line: v.audiencesLine ?? v.line }, ...audClaims.map((c) => ({ values: c.values, line: c.line }))];
  for (const { values, line } of forms) {
    const known = literal(values);
    if (known.length > 0 && known.length === values.length && !known.some((a) => GUID.test(a))) hit('apim-app-id-uri-audience-v2', line, known.join(', '), v.file);
  }
}

function lintApigee(p: ApigeeVerifyJwt, hit: Hit): void {
  if (!p.audience) hit('apigee-no-audience', p.line);
  if (!p.issuer) hit('apigee-no-issuer', p.line);
  if (p.ignoreCriticalHeaders) hit('apigee-ignore-critical-headers', p.ignoreCriticalHeadersLine ?? p.line);
  if (p.continueOnError) hit('apigee-continue-on-error', p.line);
}
