import { ElementReader } from './element-reader.ts';
import type { PolicyElement } from './parse-policy-xml.ts';
import { notEmulated, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';

/**
 * Apigee VerifyJWT (cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy and
 * the Edge page). Verified for this issue on the Apigee pages: the policy "verifies that the JWT is
 * valid according to the expiry and not-before times if they are present" (so `exp` is optional), and
 * registered claim names in AdditionalClaims are deployment errors. Still unverified: the exact
 * MaxLifespan/useIssueTime semantics and the JWKS cache lifetime.
 */
export interface ApigeeVerifyJwt {
  kind: 'apigee';
  file: string;
  line: number;
  name: string;
  continueOnError: boolean;
  enabled: boolean;
  algorithms: string[];
  algorithmsLine: number;
  /** Flow variable; documented default request.header.authorization (Bearer prefix removed). */
  source?: string;
  sourceLine?: number;
  publicKey?: { jwksUri?: string; jwksRef?: string; jwksInline?: string; valuePem?: string; valueRef?: string; certificatePem?: string; certificateRef?: string; line: number };
  /** `value`: the key as resolved from the values (`ref` names a private. variable). */
  secretKey?: { encoding: string; valueRef?: string; value?: string; line: number };
  issuer?: { value?: string; ref?: string; line: number };
  audience?: { value?: string; ref?: string; line: number };
  subject?: { value?: string; ref?: string; line: number };
  id?: { value?: string; line: number };
  additionalClaims: { name: string; type: string; array: boolean; value?: string; ref?: string; line: number }[];
  additionalHeaders: { name: string; line: number }[];
  knownHeaders: string[];
  ignoreCriticalHeaders: boolean;
  ignoreCriticalHeadersLine?: number;
  ignoreIssuedAt: boolean;
  ignoreUnresolvedVariables: boolean;
  /** Seconds; documented default 0. */
  timeAllowance: number;
  timeAllowanceLine?: number;
  maxLifespan?: { seconds: number; useIssueTime: boolean; line: number };
  /** Line of `<Algorithms>`: the policy verifies encrypted JWTs (JWE). */
  encryptedLine?: number;
  diagnostics: PolicyDiagnostic[];
}

const REGISTERED = new Set(['kid', 'iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti']);
const ALGS = /^(HS|RS|PS|ES)(256|384|512)$/;
const APIGEE_POLICIES = new Set(['VerifyJWT', 'GenerateJWT', 'DecodeJWT', 'VerifyJWS', 'GenerateJWS', 'DecodeJWS', 'OAuthV2', 'AssignMessage', 'VerifyAPIKey', 'SpikeArrest', 'Quota', 'JavaScript', 'RaiseFault', 'ExtractVariables', 'KeyValueMapOperations', 'ServiceCallout']);

export function readApigeePolicy(root: PolicyElement, file: string): ApigeeVerifyJwt {
  if (root.name !== 'VerifyJWT') {
    if (APIGEE_POLICIES.has(root.name)) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', file, root.line, `<${root.name}> is an Apigee policy gatecheck does not emulate on its own (only VerifyJWT); give the exported proxy (its apiproxy/ folder or .zip) to emulate it in its flows`);
    throw new PolicyError('ERR_POLICY_UNKNOWN', file, root.line, `unknown policy <${root.name}> (expected APIM <policies> or Apigee <VerifyJWT>)`);
  }
  const r = new ElementReader(root, file, ['name', 'continueOnError', 'enabled', 'async']);
  const p: ApigeeVerifyJwt = {
    kind: 'apigee',
    file,
    line: root.line,
    name: r.attr('name') ?? 'VerifyJWT',
    continueOnError: r.bool('continueOnError', false),
    enabled: r.bool('enabled', true),
    algorithms: [],
    algorithmsLine: root.line,
    additionalClaims: [],
    additionalHeaders: [],
    knownHeaders: [],
    ignoreCriticalHeaders: false,
    ignoreIssuedAt: false,
    ignoreUnresolvedVariables: false,
    timeAllowance: 0,
    diagnostics: [],
  };
  const d = p.diagnostics;
  let encryptedLine: number | undefined;
  const bool = (c: PolicyElement) => {
    new ElementReader(c, file, []);
    if (/^true$/i.test(c.text)) return true;
    if (/^false$/i.test(c.text) || c.text === '') return false;
    throw new PolicyError('ERR_POLICY_INVALID', file, c.line, `<${c.name}>${c.text}</${c.name}>: expected true or false`);
  };
  const valued = (c: PolicyElement) => {
    const cr = new ElementReader(c, file, ['ref']);
    return { value: c.text || undefined, ref: cr.attr('ref'), line: c.line };
  };
  for (const c of root.children) {
    switch (c.name) {
      case 'DisplayName':
      case 'Description':
        break;
      case 'Type':
        new ElementReader(c, file, []);
        if (c.text && c.text !== 'Signed') d.push(notEmulated(file, c.line, `<Type>${c.text}</Type>: encrypted JWTs are not emulated`, ['signature']));
        break;
      case 'Algorithm': {
        new ElementReader(c, file, []);
        p.algorithms = c.text.split(',').map((a) => a.trim()).filter(Boolean);
        p.algorithmsLine = c.line;
        for (const a of p.algorithms) if (!ALGS.test(a)) throw new PolicyError('ERR_POLICY_INVALID', file, c.line, `<Algorithm>: unknown algorithm "${a}"`);
        break;
      }
      case 'Algorithms':
        encryptedLine = c.line;
        break;
      case 'Source':
        new ElementReader(c, file, []);
        p.source = c.text;
        p.sourceLine = c.line;
        break;
      case 'PublicKey': {
        new ElementReader(c, file, []);
        const pk: NonNullable<ApigeeVerifyJwt['publicKey']> = { line: c.line };
        for (const k of c.children) {
          const kr = new ElementReader(k, file, k.name === 'JWKS' ? ['uri', 'ref', 'uriRef'] : ['ref']);
          if (k.name === 'JWKS') {
            pk.jwksUri = kr.attr('uri');
            pk.jwksRef = kr.attr('ref');
            if (k.text) pk.jwksInline = k.text;
          } else if (k.name === 'Value') {
            pk.valueRef = kr.attr('ref');
            if (k.text) pk.valuePem = k.text;
          } else if (k.name === 'Certificate') {
            pk.certificateRef = kr.attr('ref');
            if (k.text) pk.certificatePem = k.text;
          } else d.push(notEmulated(file, k.line, `unknown element <${k.name}> in <PublicKey>`, ['signature']));
        }
        p.publicKey = pk;
        break;
      }
      case 'SecretKey': {
        const kr = new ElementReader(c, file, ['encoding']);
        const value = c.children.find((k) => k.name === 'Value');
        const ref = value ? new ElementReader(value, file, ['ref']).attr('ref') : undefined;
        if (ref !== undefined && !ref.startsWith('private.')) {
          throw new PolicyError('ERR_POLICY_INVALID', file, value!.line, `<SecretKey><Value ref="${ref}">: the variable must start with private. (Apigee InvalidVariableNameForSecret)`);
        }
        p.secretKey = { encoding: kr.attr('encoding') ?? 'utf8', valueRef: ref, value: value?.text || undefined, line: c.line };
        break;
      }
      case 'Issuer':
        p.issuer = valued(c);
        break;
      case 'Audience':
        p.audience = valued(c);
        break;
      case 'Subject':
        p.subject = valued(c);
        break;
      case 'Id':
        new ElementReader(c, file, []);
        p.id = { value: c.text || undefined, line: c.line };
        break;
      case 'AdditionalClaims':
        new ElementReader(c, file, ['ref']);
        for (const claim of c.children) {
          const cr = new ElementReader(claim, file, ['name', 'type', 'array', 'ref']);
          const name = cr.attr('name') ?? cr.fail('<Claim> needs name (Apigee MissingNameForAdditionalClaim)');
          if (REGISTERED.has(name)) cr.fail(`<Claim name="${name}">: registered claim names are not allowed in AdditionalClaims (Apigee InvalidNameForAdditionalClaim)`);
          p.additionalClaims.push({ name, type: cr.attr('type') ?? 'string', array: cr.bool('array', false), value: claim.text || undefined, ref: cr.attr('ref'), line: claim.line });
        }
        break;
      case 'AdditionalHeaders':
        new ElementReader(c, file, []);
        for (const h of c.children) p.additionalHeaders.push({ name: new ElementReader(h, file, ['name', 'type', 'array', 'ref']).attr('name') ?? '', line: h.line });
        break;
      case 'KnownHeaders':
        new ElementReader(c, file, ['ref']);
        p.knownHeaders = c.text.split(',').map((h) => h.trim()).filter(Boolean);
        break;
      case 'IgnoreCriticalHeaders':
        p.ignoreCriticalHeaders = bool(c);
        p.ignoreCriticalHeadersLine = c.line;
        break;
      case 'IgnoreIssuedAt':
        p.ignoreIssuedAt = bool(c);
        break;
      case 'IgnoreUnresolvedVariables':
        p.ignoreUnresolvedVariables = bool(c);
        break;
      case 'TimeAllowance':
        new ElementReader(c, file, ['ref']);
        p.timeAllowance = duration(c, file);
        p.timeAllowanceLine = c.line;
        break;
      case 'MaxLifespan': {
        const mr = new ElementReader(c, file, ['useIssueTime', 'ref']);
        p.maxLifespan = { seconds: duration(c, file), useIssueTime: mr.bool('useIssueTime', false), line: c.line };
        break;
      }
      default:
        d.push(notEmulated(file, c.line, `unknown element <${c.name}> in <VerifyJWT>`, ['claims']));
    }
  }
  // An encrypted JWT names its algorithms in <Algorithms> and decrypts with a private key: no <Algorithm> to check.
  if (encryptedLine !== undefined) return Object.assign(p, { encryptedLine });
  if (p.algorithms.length === 0) throw new PolicyError('ERR_POLICY_INVALID', file, root.line, '<VerifyJWT> needs <Algorithm> (Apigee MissingConfigurationElement)');
  const hmac = p.algorithms.some((a) => a.startsWith('HS'));
  if (hmac && !p.secretKey) throw new PolicyError('ERR_POLICY_INVALID', file, p.algorithmsLine, 'HS algorithms need <SecretKey> (Apigee InvalidKeyConfiguration)');
  if (!hmac && !p.publicKey) throw new PolicyError('ERR_POLICY_INVALID', file, p.algorithmsLine, `${p.algorithms.join(',')} needs <PublicKey> (Apigee InvalidKeyConfiguration)`);
  return p;
}

/** Apigee time intervals: a number with ms, s, m, h or d; a bare number is taken as seconds. */
function duration(c: PolicyElement, file: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(c.text);
  if (!m) throw new PolicyError('ERR_POLICY_INVALID', file, c.line, `<${c.name}>${c.text}</${c.name}>: expected a duration such as 60s, 5m or 1h`);
  const n = Number(m[1]);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] ?? 's']!;
  return n * unit;
}
