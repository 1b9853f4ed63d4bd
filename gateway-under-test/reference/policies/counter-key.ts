import { parsePolicyExpression, type PolicyExpression } from './policy-expression-parse.ts';

/**
 * What an APIM counter-key (or set-header value) expression reads, found on its syntax tree
 * (policy-expression-parse.ts); an expression outside the parser's subset is C# only APIM can run.
 *   @(((Jwt)context.Variables["jwt"]).Subject)                         → claim sub of the validated token
 *   @(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("oid")) → claim oid of the validated token
 *   @(context.Variables.GetValueOrDefault<Jwt>("jwt").Claims["oid"].FirstOrDefault()) → the same
 *   @(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject) → parsed, NOT validated
 *   @(context.Request.IpAddress)                                       → caller address
 *   @(context.Subscription?.Key), @(context.Subscription.Id)           → the subscription
 *   @(context.Request.Headers.GetValueOrDefault("X-Client",""))        → a client-chosen header
 *   @(context.Request.Headers["Authorization"].Split(' ')[1])          → derived from a client-chosen header
 * `.AsJwt()` may follow a transformation of the header, as in `.Split(' ').Last().AsJwt()`; a value may
 * be transformed after it is read (`.ToLower()`, `.Trim()`, `?? "anonymous"`) and still name its source.
 */
export type KeySource =
  | { kind: 'validated-claim'; variable: string; claim: string }
  | { kind: 'parsed-claim'; header: string; claim: string }
  | { kind: 'ip' }
  | { kind: 'subscription' }
  | { kind: 'header'; header: string }
  | { kind: 'literal'; value: string }
  | { kind: 'expression' };

type Node = PolicyExpression;
const JWT_MEMBER: Record<string, string> = { Subject: 'sub', Issuer: 'iss', Id: 'jti' };
/** Calls that transform a value without changing where it comes from. */
const TRANSFORMS = new Set(['ToString', 'ToLower', 'ToLowerInvariant', 'ToUpper', 'ToUpperInvariant', 'Trim', 'FirstOrDefault', 'First', 'Last', 'LastOrDefault']);

const str = (n: Node | undefined) => (n?.kind === 'string' ? n.value : undefined);
/** `context.Request` — or `request`, as one of Microsoft's throttling examples writes it. */
const isRequest = (n: Node) => (n.kind === 'member' && n.name === 'Request' && n.target.kind === 'name' && n.target.name === 'context') || (n.kind === 'name' && n.name === 'request');
const isContext = (n: Node) => n.kind === 'name' && n.name === 'context';

/** The header a node reads by name (`Headers.GetValueOrDefault("H", …)` or `Headers["H"]`), if it does. */
function headerRead(n: Node): string | undefined {
  const headers = (t: Node) => t.kind === 'member' && t.name === 'Headers' && isRequest(t.target);
  if (n.kind === 'call' && n.method === 'GetValueOrDefault' && headers(n.target)) return str(n.args[0]);
  if (n.kind === 'index' && headers(n.target)) return str(n.index);
  return undefined;
}

/** The first header read anywhere in the tree. */
function anyHeader(n: Node): string | undefined {
  const own = headerRead(n);
  if (own !== undefined) return own;
  const children = n.kind === 'member' ? [n.target] : n.kind === 'call' ? [n.target, ...n.args] : n.kind === 'index' ? [n.target, n.index] : n.kind === 'cast' || n.kind === 'not' ? [n.operand] : n.kind === 'binary' ? [n.left, n.right] : [];
  for (const c of children) {
    const h = anyHeader(c);
    if (h !== undefined) return h;
  }
  return undefined;
}

/** Where a Jwt comes from: a validation's output variable, or a header parsed with AsJwt(). */
function jwtSource(n: Node): { variable: string } | { header: string } | undefined {
  if (n.kind === 'cast' && n.type === 'Jwt') n = n.operand;
  const variables = (t: Node) => t.kind === 'member' && t.name === 'Variables' && isContext(t.target);
  if (n.kind === 'index' && variables(n.target) && str(n.index)) return { variable: str(n.index)! };
  if (n.kind === 'call' && n.method === 'GetValueOrDefault' && n.typeArgs[0] === 'Jwt' && variables(n.target) && str(n.args[0])) return { variable: str(n.args[0])! };
  if (n.kind === 'call' && n.method === 'AsJwt' && n.args.length === 0) {
    const h = anyHeader(n.target);
    if (h !== undefined) return { header: h };
  }
  return undefined;
}

/** The claim a node reads of a Jwt, with the Jwt's source. */
function claimRead(n: Node): { source: { variable: string } | { header: string }; claim: string } | undefined {
  if (n.kind === 'member' && JWT_MEMBER[n.name]) {
    const source = jwtSource(n.target);
    return source && { source, claim: JWT_MEMBER[n.name] };
  }
  const claims = (t: Node) => (t.kind === 'member' && t.name === 'Claims' ? jwtSource(t.target) : undefined);
  if (n.kind === 'call' && n.method === 'GetValueOrDefault' && str(n.args[0]) !== undefined) {
    const source = claims(n.target);
    return source && { source, claim: str(n.args[0])! };
  }
  if (n.kind === 'index' && str(n.index) !== undefined) {
    const source = claims(n.target);
    return source && { source, claim: str(n.index)! };
  }
  return undefined;
}

export function parseKeyExpression(raw: string): KeySource {
  const s = raw.trim();
  if (!/^@[({]/.test(s)) return { kind: 'literal', value: s };
  const parsed = parsePolicyExpression(s);
  if (!parsed.ok) return { kind: 'expression' };
  let n = parsed.expr;
  // Peel what keeps the source: a fallback for a missing value, a case or white-space change.
  for (;;) {
    if (n.kind === 'binary' && n.op === '??') n = n.left;
    else if (n.kind === 'call' && TRANSFORMS.has(n.method) && n.args.length === 0) n = n.target;
    else if (n.kind === 'cast' && n.type !== 'Jwt') n = n.operand;
    else break;
  }
  const claim = claimRead(n);
  if (claim) return 'variable' in claim.source ? { kind: 'validated-claim', variable: claim.source.variable, claim: claim.claim } : { kind: 'parsed-claim', header: claim.source.header, claim: claim.claim };
  if (n.kind === 'member' && n.name === 'IpAddress' && isRequest(n.target)) return { kind: 'ip' };
  if (n.kind === 'member' && (n.name === 'Key' || n.name === 'Id') && n.target.kind === 'member' && n.target.name === 'Subscription' && isContext(n.target.target)) return { kind: 'subscription' };
  // A header's value, as is or transformed (split, trimmed, hashed): the client chooses it.
  const header = anyHeader(n);
  if (header !== undefined) return { kind: 'header', header };
  return { kind: 'expression' };
}
