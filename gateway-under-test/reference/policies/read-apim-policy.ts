import { ElementReader, isExpression } from './element-reader.ts';
import { APIM_KNOWN_POLICIES, APIM_SECTIONS } from './apim-known-policies.ts';
import { FRAGMENT_ROOT, type PolicyElement } from './parse-policy-xml.ts';
import { note, notEmulated, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';

/**
 * Documented attributes and defaults: validate-jwt-policy.md, validate-azure-ad-token-policy.md,
 * rate-limit-by-key-policy.md, set-header-policy.md, check-header-policy.md (MicrosoftDocs/azure-docs;
 * re-read on learn.microsoft.com and docs.azure.cn for this issue: validate-azure-ad-token's
 * `authentication-endpoint` is documented there, for sovereign clouds).
 */
export interface ApimRequiredClaim {
  name: string;
  /** Documented default: all. */
  match: 'all' | 'any';
  separator?: string;
  values: string[];
  line: number;
}

export interface ApimKey {
  line: number;
  id?: string;
  /** Inline Base64 key material: a symmetric (HMAC) key. */
  base64?: string;
  /** The `{{named value}}` the key material came from, as written. */
  namedValue?: string;
  n?: string;
  e?: string;
  certificateId?: string;
}

interface TokenSource {
  /** The file the element is in (a composed policy joins several). */
  file: string;
  headerName?: string;
  queryParameterName?: string;
  tokenValue?: string;
  /** failed-validation-httpcode, documented default 401. */
  failedStatus: number;
  failedMessage?: string;
  outputVariable?: string;
}

export interface ApimValidateJwt extends TokenSource {
  kind: 'validate-jwt';
  line: number;
  index: number;
  /** Documented default true. */
  requireExpirationTime: boolean;
  requireScheme?: string;
  /** Documented default true. */
  requireSignedTokens: boolean;
  /** Seconds; documented default 0. */
  clockSkew: number;
  openidConfigs: { url: string; line: number }[];
  signingKeys: ApimKey[];
  decryptionKeys: ApimKey[];
  /** null = element absent: `aud` isn't checked. */
  audiences: string[] | null;
  audiencesLine?: number;
  issuers: string[] | null;
  issuersLine?: number;
  requiredClaims: ApimRequiredClaim[];
}

export interface ApimAzureAdToken extends TokenSource {
  kind: 'validate-azure-ad-token';
  line: number;
  index: number;
  tenantId: string;
  authenticationEndpoint?: string;
  clientApplicationIds: string[];
  backendApplicationIds: string[];
  audiences: string[] | null;
  requiredClaims: ApimRequiredClaim[];
  /** Where `<decryption-keys>` stands (encrypted tokens), when it does. */
  decryptionKeysLine?: number;
}

export interface ApimRateLimitByKey {
  file: string;
  line: number;
  index: number;
  calls: string;
  renewalPeriod: string;
  counterKey: string;
  incrementCondition?: string;
  /** quota-by-key only: what the emulation leaves out (bandwidth) or approximates (its fixed window). */
  quota?: { bandwidth?: string; incrementCount?: string; firstPeriodStart?: string };
}

/** `<cors>` as read for linting (https://learn.microsoft.com/azure/api-management/cors-policy). */
export interface ApimCors {
  file: string;
  line: number;
  index: number;
  section: string;
  /** The allow-credentials attribute as written (default false); an expression stays as written. */
  allowCredentials: string;
  origins: { value: string; line: number }[];
  methods: string[];
  headers: string[];
  /** terminate-unmatched-request as written (default true). */
  terminateUnmatched: string;
}

export interface ApimSetHeader {
  file: string;
  line: number;
  index: number;
  section: string;
  name: string;
  existsAction: 'override' | 'skip' | 'append' | 'delete';
  values: string[];
}

export interface ApimCheckHeader {
  file: string;
  line: number;
  name: string;
  values: string[];
}

/** One policy of the inbound section, in order: what decides whether a request reaches the backend. */
export type ApimStep =
  | { kind: 'validate'; validation: ApimValidateJwt | ApimAzureAdToken }
  | ApimChoose
  | { kind: 'return-response'; file: string; line: number; /** set-status code; null when computed or taken from a variable. */ status: number | null }
  | { kind: 'set-variable'; file: string; line: number; name: string; value: string }
  | { kind: 'other'; file: string; line: number; name: string };

/** `<choose>`: the first `<when>` whose condition holds runs, else `<otherwise>` (choose-policy.md). */
export interface ApimChoose {
  kind: 'choose';
  file: string;
  line: number;
  branches: { condition: string; file: string; line: number; steps: ApimStep[] }[];
  otherwise: ApimStep[] | null;
}

export interface ApimPolicy {
  kind: 'apim';
  file: string;
  validations: (ApimValidateJwt | ApimAzureAdToken)[];
  rateLimits: ApimRateLimitByKey[];
  setHeaders: ApimSetHeader[];
  checkHeaders: ApimCheckHeader[];
  /** `<cors>` elements: linted (placement, wildcard with credentials), not emulated. */
  cors: ApimCors[];
  /** quota-by-key: linted like a rate limit's counter key, and emulated as a rate limit (emulate-policy). */
  quotas: ApimRateLimitByKey[];
  /** `<choose>` elements and whether a token validation sits inside one (it runs only under a condition). */
  chooses: { file: string; line: number; validates: boolean }[];
  /** Token validations inside `<choose>`: linted, never emulated (which one runs is decided at run time). */
  conditionalValidations: (ApimValidateJwt | ApimAzureAdToken)[];
  /** The inbound section as a sequence of steps, `<choose>` with its branches. */
  inbound: ApimStep[];
  diagnostics: PolicyDiagnostic[];
}

const TOKEN_SOURCE_ATTRS = ['header-name', 'query-parameter-name', 'token-value', 'failed-validation-httpcode', 'failed-validation-error-message', 'output-token-variable-name'];
const VALIDATE_JWT_ATTRS = [...TOKEN_SOURCE_ATTRS, 'require-expiration-time', 'require-scheme', 'require-signed-tokens', 'clock-skew'];
const AZURE_AD_ATTRS = [...TOKEN_SOURCE_ATTRS, 'tenant-id', 'authentication-endpoint'];
const QUOTA_ATTRS = ['calls', 'bandwidth', 'renewal-period', 'counter-key', 'increment-condition', 'increment-count', 'first-period-start'];
const RATE_LIMIT_ATTRS = ['calls', 'renewal-period', 'counter-key', 'increment-condition', 'increment-count', 'retry-after-header-name', 'retry-after-variable-name', 'remaining-calls-header-name', 'remaining-calls-variable-name', 'total-calls-header-name'];

/**
 * Reads a `<policies>` document; throws PolicyError for what APIM itself would refuse. A policy fragment
 * (`<fragment>`) or a snippet of bare policies (as Microsoft Learn publishes them) is read as the inbound
 * section it is meant to be pasted into, and says so in a note.
 */
export function readApimPolicy(root: PolicyElement, file: string): ApimPolicy {
  const policy: ApimPolicy = { kind: 'apim', file, validations: [], rateLimits: [], setHeaders: [], checkHeaders: [], quotas: [], cors: [], chooses: [], conditionalValidations: [], inbound: [], diagnostics: [] };
  const d = policy.diagnostics;
  let sections: PolicyElement[];
  if (root.name === 'policies') {
    new ElementReader(root, file, []);
    sections = root.children;
  } else {
    const children = root.name === 'fragment' || root.name === FRAGMENT_ROOT ? root.children : [root];
    if (root.name === 'fragment') new ElementReader(root, file, []);
    sections = [{ name: 'inbound', attributes: {}, children, text: '', line: root.line }];
    d.push(note(file, root.line, `${root.name === 'fragment' ? 'a policy fragment' : 'policies without <policies>'}: read as the inbound section they would be placed in`));
  }
  let index = 0;
  for (const section of sections) {
    if (!(APIM_SECTIONS as readonly string[]).includes(section.name)) {
      throw new PolicyError('ERR_POLICY_UNKNOWN', section.file ?? file, section.line, `<${section.name}> is not a policy section (inbound, backend, outbound, on-error)`);
    }
    new ElementReader(section, section.file ?? file, []);
    for (const el of section.children) {
      index++;
      // In a folder's composed policy each element keeps the file it came from (global, product, API, operation).
      const f = el.file ?? file;
      if (!APIM_KNOWN_POLICIES.has(el.name)) throw new PolicyError('ERR_POLICY_UNKNOWN', f, el.line, `unknown APIM policy <${el.name}>`);
      const inbound = section.name === 'inbound';
      switch (el.name) {
        case 'base':
          d.push(note(f, el.line, `<base/> in ${section.name}: policies inherited from outer scopes are not in this file and are not emulated`));
          break;
        case 'validate-jwt':
        case 'validate-azure-ad-token': {
          const v = el.name === 'validate-jwt' ? readValidateJwt(el, f, index, d) : readAzureAd(el, f, index);
          policy.validations.push(v);
          // Outside inbound it still validates, as if in inbound: a step of the emulated inbound.
          policy.inbound.push({ kind: 'validate', validation: v });
          if (!inbound) d.push(notEmulated(f, el.line, `<${el.name}> in ${section.name} is emulated as if in inbound`, ['token-location']));
          break;
        }
        case 'rate-limit-by-key': {
          const r = new ElementReader(el, f, RATE_LIMIT_ATTRS);
          for (const req of ['calls', 'renewal-period', 'counter-key']) if (!r.attr(req)) r.fail(`<rate-limit-by-key> needs ${req}`);
          policy.rateLimits.push({ file: f, line: el.line, index, calls: r.attr('calls')!, renewalPeriod: r.attr('renewal-period')!, counterKey: r.attr('counter-key')!, incrementCondition: r.attr('increment-condition') });
          break;
        }
        case 'set-header': {
          const r = new ElementReader(el, f, ['name', 'exists-action']);
          if (!r.attr('name')) r.fail('<set-header> needs name');
          const action = (r.attr('exists-action') ?? 'override').toLowerCase();
          if (!['override', 'skip', 'append', 'delete'].includes(action)) r.fail(`<set-header exists-action="${action}">: expected override, skip, append or delete`);
          const values = el.children.filter((c) => c.name === 'value').map((c) => c.text);
          for (const c of el.children) if (c.name !== 'value') d.push(notEmulated(f, c.line, `unknown element <${c.name}> in <set-header>`, ['claim-headers']));
          policy.setHeaders.push({ file: f, line: el.line, index, section: section.name, name: r.attr('name')!, existsAction: action as ApimSetHeader['existsAction'], values });
          break;
        }
        case 'check-header': {
          const r = new ElementReader(el, f, ['name', 'failed-check-httpcode', 'failed-check-error-message', 'ignore-case']);
          if (!r.attr('name')) r.fail('<check-header> needs name');
          policy.checkHeaders.push({ file: f, line: el.line, name: r.attr('name')!, values: el.children.filter((c) => c.name === 'value').map((c) => c.text) });
          break;
        }
        case 'quota-by-key': {
          const r = new ElementReader(el, f, QUOTA_ATTRS);
          if (!r.attr('counter-key')) r.fail('<quota-by-key> needs counter-key');
          // Learn (https://learn.microsoft.com/azure/api-management/quota-by-key-policy): calls and/or bandwidth, renewal-period required.
          if (!r.attr('calls') && !r.attr('bandwidth')) r.fail('<quota-by-key> needs calls or bandwidth');
          if (!r.attr('renewal-period')) r.fail('<quota-by-key> needs renewal-period');
          const quota = { bandwidth: r.attr('bandwidth'), incrementCount: r.attr('increment-count'), firstPeriodStart: r.attr('first-period-start') };
          policy.quotas.push({ file: f, line: el.line, index, calls: r.attr('calls') ?? '', renewalPeriod: r.attr('renewal-period')!, counterKey: r.attr('counter-key')!, incrementCondition: r.attr('increment-condition'), quota });
          break;
        }
        case 'cors': {
          const r = new ElementReader(el, f, ['allow-credentials', 'terminate-unmatched-request']);
          const list = (parent: string, child: string) => (el.children.find((c) => c.name === parent)?.children ?? []).filter((c) => c.name === child);
          for (const c of el.children) if (!['allowed-origins', 'allowed-methods', 'allowed-headers', 'expose-headers'].includes(c.name)) r.fail(`unknown element <${c.name}> in <cors> (allowed-origins, allowed-methods, allowed-headers, expose-headers)`, c.line);
          if (!el.children.some((c) => c.name === 'allowed-origins')) r.fail('<cors> needs <allowed-origins>');
          policy.cors.push({
            file: f,
            line: el.line,
            index,
            section: section.name,
            allowCredentials: (r.attr('allow-credentials') ?? 'false').trim(),
            origins: list('allowed-origins', 'origin').map((o) => ({ value: o.text.trim(), line: o.line })),
            methods: list('allowed-methods', 'method').map((m) => m.text.trim()),
            headers: list('allowed-headers', 'header').map((h) => h.text.trim()),
            terminateUnmatched: (r.attr('terminate-unmatched-request') ?? 'true').trim(),
          });
          // APIM answers preflights itself; the reference gateway answers OPTIONS like any other request.
          // The one suite case sending OPTIONS (forwarding/spoofed-headers-on-cors-preflight) accepts either
          // answer and judges only what reaches the upstream, so no check depends on it.
          d.push(note(f, el.line, '<cors> is not emulated (preflight answers): the reference gateway answers OPTIONS as any other request; no suite check depends on the preflight answer'));
          break;
        }
        case 'quota':
          // Per subscription (https://learn.microsoft.com/azure/api-management/quota-policy): the reference
          // gateway's limits key on token claims or the caller address, never on a subscription key.
          d.push(notEmulated(f, el.line, '<quota> counts per subscription; not emulated (the reference gateway keys limits on validated identity claims or the caller address). APIM answers an exceeded quota with 403 and Retry-After', ['rate-limit']));
          break;
        case 'choose': {
          const validates = containsValidation(el);
          const choose = readChoose(el, f, index);
          policy.conditionalValidations.push(...validationsOf(choose.branches.flatMap((b) => b.steps).concat(choose.otherwise ?? [])));
          policy.chooses.push({ file: f, line: el.line, validates });
          // Inbound chooses are emulated (emulate-choose.ts), which says what it can't; elsewhere they decide no access.
          if (inbound) policy.inbound.push(choose);
          else d.push(notEmulated(f, el.line, `<choose> in ${section.name} is not emulated`, validates ? ['token-location', 'signature', 'issuer', 'audience', 'claims'] : ['request-checks']));
          break;
        }
        case 'return-response':
          if (inbound) policy.inbound.push(readReturnResponse(el, f));
          else d.push(notEmulated(f, el.line, `<return-response> in ${section.name} is not emulated`, ['request-checks']));
          break;
        case 'set-variable':
          if (inbound) policy.inbound.push(readSetVariable(el, f));
          break;
        case 'forward-request':
          // In backend it is what the reference gateway does with every allowed request: send it upstream.
          if (section.name !== 'backend') d.push(notEmulated(f, el.line, `<forward-request> in ${section.name} is not emulated`, ['request-checks']));
          break;
        default:
          d.push(notEmulated(f, el.line, `<${el.name}> is not emulated`, ['request-checks']));
      }
    }
  }
  return policy;
}

/** A `<choose>`'s branches as steps; the element rules are choose-policy.md's. */
function readChoose(el: PolicyElement, file: string, index: number): ApimChoose {
  const r = new ElementReader(el, file, []);
  const choose: ApimChoose = { kind: 'choose', file: r.file, line: el.line, branches: [], otherwise: null };
  for (const c of el.children) {
    const cf = c.file ?? file;
    if (c.name === 'when') {
      const cr = new ElementReader(c, cf, ['condition']);
      if (!cr.attr('condition')?.trim()) cr.fail('<when> needs condition');
      if (choose.otherwise) cr.fail('<when> after <otherwise>: <otherwise> comes last');
      choose.branches.push({ condition: cr.attr('condition')!.trim(), file: cr.file, line: c.line, steps: readSteps(c.children, cf, index) });
    } else if (c.name === 'otherwise') {
      const cr = new ElementReader(c, cf, []);
      if (choose.otherwise) cr.fail('a second <otherwise>');
      choose.otherwise = readSteps(c.children, cf, index);
    } else {
      throw new PolicyError('ERR_POLICY_UNKNOWN', cf, c.line, `<choose> holds <when> and <otherwise>, found <${c.name}>`);
    }
  }
  if (choose.branches.length === 0) r.fail('<choose> needs at least one <when>');
  return choose;
}

function readSteps(children: PolicyElement[], file: string, index: number): ApimStep[] {
  return children.map((c): ApimStep => {
    const f = c.file ?? file;
    if (!APIM_KNOWN_POLICIES.has(c.name)) throw new PolicyError('ERR_POLICY_UNKNOWN', f, c.line, `unknown APIM policy <${c.name}>`);
    switch (c.name) {
      case 'validate-jwt':
        // Its remarks are the emulation's to make, for the branch it runs in.
        return { kind: 'validate', validation: readValidateJwt(c, f, index, []) };
      case 'validate-azure-ad-token':
        return { kind: 'validate', validation: readAzureAd(c, f, index) };
      case 'choose':
        return readChoose(c, f, index);
      case 'return-response':
        return readReturnResponse(c, f);
      case 'set-variable':
        return readSetVariable(c, f);
      default:
        return { kind: 'other', file: f, line: c.line, name: c.name };
    }
  });
}

function validationsOf(steps: ApimStep[]): (ApimValidateJwt | ApimAzureAdToken)[] {
  return steps.flatMap((s) => (s.kind === 'validate' ? [s.validation] : s.kind === 'choose' ? validationsOf(s.branches.flatMap((b) => b.steps).concat(s.otherwise ?? [])) : []));
}

/** return-response-policy.md: the status of its `<set-status>`, 200 without one. */
function readReturnResponse(el: PolicyElement, file: string): ApimStep {
  const r = new ElementReader(el, file, ['response-variable-name']);
  const status = el.children.find((c) => c.name === 'set-status');
  let code: number | null = r.attr('response-variable-name') !== undefined ? null : 200;
  if (status) {
    const sr = new ElementReader(status, status.file ?? file, ['code', 'reason']);
    code = isExpression(sr.attr('code')) ? null : (sr.int('code') ?? 200);
  }
  return { kind: 'return-response', file: r.file, line: el.line, status: code };
}

function readSetVariable(el: PolicyElement, file: string): ApimStep {
  const r = new ElementReader(el, file, ['name', 'value']);
  if (!r.attr('name') || r.attr('value') === undefined) r.fail('<set-variable> needs name and value');
  return { kind: 'set-variable', file: r.file, line: el.line, name: r.attr('name')!, value: r.attr('value')! };
}

function validationsIn(el: PolicyElement): PolicyElement[] {
  return el.children.flatMap((c) => (c.name === 'validate-jwt' || c.name === 'validate-azure-ad-token' ? [c] : validationsIn(c)));
}

function containsValidation(el: PolicyElement): boolean {
  return validationsIn(el).length > 0;
}

function readTokenSource(r: ElementReader): TokenSource {
  const sources = ['header-name', 'query-parameter-name', 'token-value'].filter((a) => r.attr(a) !== undefined);
  if (sources.length !== 1) r.fail(`<${r.el.name}> needs exactly one of header-name, query-parameter-name, token-value (found ${sources.length})`);
  return {
    file: r.file,
    headerName: r.attr('header-name'),
    queryParameterName: r.attr('query-parameter-name'),
    tokenValue: r.attr('token-value'),
    failedStatus: isExpression(r.attr('failed-validation-httpcode')) ? 401 : (r.int('failed-validation-httpcode') ?? 401),
    failedMessage: r.attr('failed-validation-error-message'),
    outputVariable: r.attr('output-token-variable-name'),
  };
}

function readValidateJwt(el: PolicyElement, file: string, index: number, d: PolicyDiagnostic[]): ApimValidateJwt {
  const r = new ElementReader(el, file, VALIDATE_JWT_ATTRS);
  const skew = r.attr('clock-skew');
  if (skew !== undefined && !isExpression(skew) && !/^\s*\d+\s*$/.test(skew)) r.fail(`<validate-jwt clock-skew="${skew}">: expected seconds`);
  const v: ApimValidateJwt = {
    kind: 'validate-jwt',
    line: el.line,
    index,
    ...readTokenSource(r),
    requireExpirationTime: r.bool('require-expiration-time', true),
    requireScheme: r.attr('require-scheme'),
    requireSignedTokens: r.bool('require-signed-tokens', true),
    clockSkew: skew === undefined || isExpression(skew) ? 0 : Number(skew),
    openidConfigs: [],
    signingKeys: [],
    decryptionKeys: [],
    audiences: null,
    issuers: null,
    requiredClaims: [],
  };
  if (isExpression(skew)) d.push(notEmulated(file, el.line, 'clock-skew is a policy expression; emulated as 0', ['lifetime']));
  for (const c of el.children) {
    switch (c.name) {
      case 'openid-config': {
        const cr = new ElementReader(c, file, ['url', 'validate-connectivity']);
        if (!cr.attr('url')) cr.fail('<openid-config> needs url');
        v.openidConfigs.push({ url: cr.attr('url')!.trim(), line: c.line });
        break;
      }
      case 'issuer-signing-keys':
      case 'decryption-keys': {
        new ElementReader(c, file, []);
        const keys = c.children.map((k) => readKey(k, file));
        if (c.name === 'issuer-signing-keys') v.signingKeys.push(...keys);
        else v.decryptionKeys.push(...keys);
        break;
      }
      case 'audiences':
        new ElementReader(c, file, []);
        v.audiences = listOf(c, 'audience', file);
        v.audiencesLine = c.line;
        break;
      case 'issuers':
        new ElementReader(c, file, []);
        v.issuers = listOf(c, 'issuer', file);
        v.issuersLine = c.line;
        break;
      case 'required-claims':
        v.requiredClaims.push(...readRequiredClaims(c, file));
        break;
      default:
        d.push(notEmulated(file, c.line, `unknown element <${c.name}> in <validate-jwt>`, ['claims']));
    }
  }
  return v;
}

function readAzureAd(el: PolicyElement, file: string, index: number): ApimAzureAdToken {
  const r = new ElementReader(el, file, AZURE_AD_ATTRS);
  // Unlike validate-jwt, header-name defaults to Authorization here (documented), so no source is fine.
  const hasSource = ['header-name', 'query-parameter-name', 'token-value'].some((a) => r.attr(a) !== undefined);
  const failedStatus = isExpression(r.attr('failed-validation-httpcode')) ? 401 : (r.int('failed-validation-httpcode') ?? 401);
  const source = hasSource ? readTokenSource(r) : { file: r.file, headerName: 'Authorization', failedStatus, failedMessage: r.attr('failed-validation-error-message'), outputVariable: r.attr('output-token-variable-name') };
  if (!r.attr('tenant-id')) r.fail('<validate-azure-ad-token> needs tenant-id');
  const v: ApimAzureAdToken = {
    kind: 'validate-azure-ad-token',
    line: el.line,
    index,
    ...source,
    tenantId: r.attr('tenant-id')!,
    authenticationEndpoint: r.attr('authentication-endpoint'),
    clientApplicationIds: [],
    backendApplicationIds: [],
    audiences: null,
    requiredClaims: [],
  };
  for (const c of el.children) {
    new ElementReader(c, file, c.name === 'required-claims' ? [] : []);
    if (c.name === 'client-application-ids') v.clientApplicationIds = listOf(c, 'application-id', file);
    else if (c.name === 'backend-application-ids') v.backendApplicationIds = listOf(c, 'application-id', file);
    else if (c.name === 'audiences') v.audiences = listOf(c, 'audience', file);
    else if (c.name === 'required-claims') v.requiredClaims.push(...readRequiredClaims(c, file));
    else if (c.name === 'decryption-keys') v.decryptionKeysLine = c.line;
    else throw new PolicyError('ERR_POLICY_UNKNOWN', file, c.line, `unknown element <${c.name}> in <validate-azure-ad-token>`);
  }
  if (v.clientApplicationIds.length === 0) r.fail('<validate-azure-ad-token> needs <client-application-ids> with at least one <application-id> (documented as required)');
  return v;
}

function readKey(k: PolicyElement, file: string): ApimKey {
  if (k.name !== 'key') throw new PolicyError('ERR_POLICY_UNKNOWN', file, k.line, `expected <key>, found <${k.name}>`);
  const r = new ElementReader(k, file, ['id', 'certificate-id', 'n', 'e']);
  const key: ApimKey = { line: k.line, id: r.attr('id'), certificateId: r.attr('certificate-id'), n: r.attr('n'), e: r.attr('e') };
  if (k.text) key.base64 = k.text;
  const named = k.resolved?.find((r) => r.startsWith('{{'));
  if (named) key.namedValue = named;
  if ((key.n === undefined) !== (key.e === undefined)) r.fail('<key> needs both n and e');
  if (!key.base64 && !key.certificateId && !key.n) r.fail('<key> needs Base64 text, certificate-id, or n and e');
  return key;
}

function listOf(parent: PolicyElement, child: string, file: string): string[] {
  const out: string[] = [];
  for (const c of parent.children) {
    if (c.name !== child) throw new PolicyError('ERR_POLICY_UNKNOWN', file, c.line, `expected <${child}> in <${parent.name}>, found <${c.name}>`);
    new ElementReader(c, file, []);
    if (!c.text) throw new PolicyError('ERR_POLICY_INVALID', file, c.line, `<${child}> is empty`);
    out.push(c.text);
  }
  if (out.length === 0) throw new PolicyError('ERR_POLICY_INVALID', file, parent.line, `<${parent.name}> needs at least one <${child}>`);
  return out;
}

function readRequiredClaims(el: PolicyElement, file: string): ApimRequiredClaim[] {
  new ElementReader(el, file, []);
  return el.children.map((c) => {
    if (c.name !== 'claim') throw new PolicyError('ERR_POLICY_UNKNOWN', file, c.line, `expected <claim> in <required-claims>, found <${c.name}>`);
    const r = new ElementReader(c, file, ['name', 'match', 'separator']);
    if (!r.attr('name')) r.fail('<claim> needs name');
    const match = (r.attr('match') ?? 'all').toLowerCase();
    if (match !== 'all' && match !== 'any') r.fail(`<claim match="${match}">: expected all or any`);
    const values = c.children.map((v) => {
      if (v.name !== 'value') throw new PolicyError('ERR_POLICY_UNKNOWN', file, v.line, `expected <value> in <claim>, found <${v.name}>`);
      return v.text;
    });
    return { name: r.attr('name')!, match: match as 'all' | 'any', separator: r.attr('separator'), values, line: c.line };
  });
}
