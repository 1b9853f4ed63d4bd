import { parseKeyExpression } from './counter-key.ts';
import { isExpression } from './element-reader.ts';
import { lintRule, type LintRuleId } from './lint-rules.ts';
import type { PolicyDiagnostic } from './policy-diagnostic.ts';
import type { ApigeeVerifyJwt } from './read-apigee-policy.ts';
import type { ApimPolicy } from './read-apim-policy.ts';
import { readPolicy } from './read-policy.ts';

const MULTI_TENANT = /\/(common|organizations|consumers)(\/|$)/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const V2_OPENID_CONFIG = /\/v2\.0\/\.well-known\/openid-configuration/i;
const CLAIM_HEADER_CLAIMS = new Set(['oid', 'sub', 'tid', 'azp', 'appid', 'client_id', 'roles', 'scp', 'upn', 'email', 'preferred_username', 'groups', 'name']);

/** Lints one policy file; throws PolicyError (exit 2) when it can't be read at all. */
export function lintPolicy(text: string, file: string): PolicyDiagnostic[] {
  const policy = readPolicy(text, file);
  const out: PolicyDiagnostic[] = [];
  const hit = (id: LintRuleId, line: number, detail?: string) => {
    const r = lintRule(id);
    out.push({ severity: r.severity, rule: id, message: detail ? `${r.summary} (${detail})` : r.summary, file, line });
  };
  if (policy.kind === 'apim') lintApim(policy, hit);
  else lintApigee(policy, hit);
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

type Hit = (id: LintRuleId, line: number, detail?: string) => void;

function lintApim(p: ApimPolicy, hit: Hit): void {
  for (const v of p.validations) {
    if (v.kind === 'validate-jwt') {
      if (!v.audiences) hit('apim-no-audiences', v.line);
      // Entra v2 tokens carry aud = application id; an App ID URI only appears in v1 tokens (sts.windows.net issuer).
      const v2Only = v.openidConfigs.length > 0 && v.openidConfigs.every((oc) => V2_OPENID_CONFIG.test(oc.url)) && !(v.issuers ?? []).some((i) => /sts\.windows\.net/i.test(i));
      const literal = (v.audiences ?? []).filter((a) => !isExpression(a) && !/\{\{.*\}\}/.test(a));
      if (v2Only && literal.length > 0 && literal.length === (v.audiences ?? []).length && !literal.some((a) => GUID.test(a))) {
        hit('apim-app-id-uri-audience-v2', v.audiencesLine ?? v.line, literal.join(', '));
      }
      for (const oc of v.openidConfigs) if (MULTI_TENANT.test(oc.url) && !v.issuers) hit('apim-multi-tenant-any-issuer', oc.line);
      if (!v.requireSignedTokens) hit('apim-unsigned-tokens', v.line);
      if (!v.requireExpirationTime) hit('apim-expiration-optional', v.line);
      if (v.clockSkew > 300) hit('apim-clock-skew-large', v.line, `${v.clockSkew} s`);
      for (const k of v.signingKeys) {
        if (!k.base64 || isExpression(k.base64) || /\{\{.*\}\}/.test(k.base64)) continue;
        const bytes = Buffer.from(k.base64, 'base64').length;
        if (bytes < 32) hit('apim-short-symmetric-key', k.line, `${bytes} bytes`);
      }
    } else if (!v.audiences && v.backendApplicationIds.length === 0) {
      hit('apim-azure-ad-no-audiences', v.line);
    }
  }
  for (const rl of p.rateLimits) {
    const src = parseKeyExpression(rl.counterKey);
    const validatedBefore = p.validations.some((v) => v.index < rl.index);
    const unvalidated =
      src.kind === 'header' ||
      (src.kind === 'parsed-claim' && !validatedBefore) ||
      (src.kind === 'validated-claim' && !p.validations.some((v) => v.index < rl.index && v.outputVariable === src.variable));
    if (unvalidated) hit('apim-rate-limit-unvalidated-key', rl.line, rl.counterKey);
  }
  if (p.validations.length > 0 && !p.setHeaders.some((h) => h.section === 'inbound' && h.name.toLowerCase() === 'authorization' && h.existsAction === 'delete')) {
    hit('apim-authorization-forwarded', p.validations[0].line);
  }
  for (const h of p.setHeaders) {
    if (h.existsAction !== 'skip' && h.existsAction !== 'append') continue;
    const carriesClaim = h.values.some((v) => {
      const s = parseKeyExpression(v);
      return (s.kind === 'validated-claim' || s.kind === 'parsed-claim') && CLAIM_HEADER_CLAIMS.has(s.claim);
    }) || h.values.some((v) => /AsJwt\(\)|\(Jwt\)|context\.Variables/.test(v));
    if (carriesClaim) hit('apim-claim-header-spoofable', h.line, `${h.name}, exists-action="${h.existsAction}"`);
  }
}

function lintApigee(p: ApigeeVerifyJwt, hit: Hit): void {
  if (!p.audience) hit('apigee-no-audience', p.line);
  if (!p.issuer) hit('apigee-no-issuer', p.line);
  if (p.ignoreCriticalHeaders) hit('apigee-ignore-critical-headers', p.ignoreCriticalHeadersLine ?? p.line);
  if (p.continueOnError) hit('apigee-continue-on-error', p.line);
}
