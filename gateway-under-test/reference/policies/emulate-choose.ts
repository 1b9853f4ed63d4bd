import { requirementHolds } from '../../requirement-holds.ts';
import { ChooseNotMappableError } from './choose-not-mappable-error.ts';
import { isExpression } from './element-reader.ts';
import { evaluatePolicyExpression, type ExpressionRequest } from './policy-expression-evaluate.ts';
import { parsePolicyExpression, type PolicyExpression } from './policy-expression-parse.ts';
import { note, notEmulated, type PolicyCheck, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';
import type { ApimAzureAdToken, ApimChoose, ApimPolicy, ApimStep, ApimValidateJwt } from './read-apim-policy.ts';

type Validation = ApimValidateJwt | ApimAzureAdToken;
interface Requirement {
  values: string[];
  claims: string[];
  match: 'any' | 'all';
  separator: string;
}
interface ChosenRoute {
  path: string;
  methods: string[];
  auth: 'required' | 'anonymous';
  require?: Requirement;
}

/** As emulate-policy writes a required claim without separator: split on nothing that occurs. */
const NO_SPLIT = '\u0000';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
/** A method no condition names: stands for every method without a route of its own. */
const OTHER_METHOD = 'GATECHECKOTHER';
/** A claim value no condition names, and the suffix that makes a named value's near miss. */
const FILLER = 'gatecheck-other';
const DECOY = '-gatecheck';
const MAX_WORLDS = 20_000;
const TOKEN_CHECKS: PolicyCheck[] = ['token-location', 'signature', 'issuer', 'audience', 'lifetime', 'claims'];

/** A `<when>` the emulation can't evaluate: why, and what the emulation does instead. */
interface Skipped {
  why: string;
}

interface Analysis {
  parsed: Map<string, PolicyExpression>;
  /** Branches whose condition is outside the subset (or reads what routes can't tell apart). */
  skipped: Map<ApimChoose['branches'][number], Skipped>;
  methods: Set<string>;
  exactPaths: Set<string>;
  prefixPaths: Set<string>;
  claims: Map<string, { values: Set<string>; separator?: string }>;
}


/**
 * Turns the inbound `<choose>` elements of an APIM policy into routes of the reference gateway: which
 * method and path needs a token, and which claim values. Conditions are evaluated with the policy
 * expression evaluator, on every method and path the conditions name and on every combination of the
 * claim values they name (plus a value none names, and near misses of each, so a substring test shows
 * as one): the outcome of each route is then read off, never assumed. A route the reference gateway
 * can't express exactly is emulated the permissive way and the checks it affects are listed as not
 * emulated; a condition outside the subset is `not emulated: <expression> at <file>:<line>`.
 *
 * `operation`: an APIOps folder's operation, whose method and route are fixed; otherwise a single
 * policy, whose routes are made from the methods and paths the conditions name. Returns null when no
 * inbound `<choose>` decides access.
 */
export function emulateChoose(policy: ApimPolicy, base: Validation, operation: { method: string; route: string } | undefined, d: PolicyDiagnostic[]): ChosenRoute[] | null {
  const chooses = choosesIn(policy.inbound);
  if (chooses.length === 0) return null;
  const deciding = chooses.filter((c) => decides(c));
  for (const c of chooses) if (!deciding.includes(c) && policy.inbound.includes(c)) d.push(notEmulated(c.file, c.line, '<choose> holds no token validation, return-response or set-variable: what it does is not emulated', ['request-checks']));
  if (deciding.length === 0) return null;

  const a = analyse(policy.inbound, base, d);
  const topLevel = new Set(policy.validations);
  const unconditional = policy.inbound.some((s) => s.kind === 'validate');
  // A <when> that can't be evaluated: which branch runs is unknown.
  for (const [branch, skip] of a.skipped) {
    // Only beside an unconditional validation is a <when> that refuses safe to leave out: without one,
    // whether any validation runs at all depends on the condition.
    if (unconditional && rejectsOnly(branch.steps)) {
      d.push(notEmulated(branch.file, branch.line, `not emulated: ${branch.condition} at ${branch.file}:${branch.line} (${skip.why}); this <when> only refuses requests, and the emulation never takes it`, ['request-checks', 'failure-response']));
      continue;
    }
    const message = `not emulated: ${branch.condition} at ${branch.file}:${branch.line} (${skip.why})`;
    // The error names file and line before its message already.
    if (!unconditional) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', branch.file, branch.line, `not emulated: ${branch.condition} (${skip.why}): whether or which token validation runs depends on it`);
    d.push(notEmulated(branch.file, branch.line, `${message}; the <choose> is skipped, only the unconditional token validation is emulated`, ['claims', 'request-checks']));
    return null;
  }

  const worlds = claimWorlds(a);
  if (worlds.length > MAX_WORLDS) {
    const c = deciding[0];
    if (!unconditional) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', c.file, c.line, `<choose> conditions name too many claim values to emulate (${a.claims.size} claims)`);
    d.push(notEmulated(c.file, c.line, '<choose> conditions name too many claim values to emulate; only the unconditional token validation is', ['claims', 'request-checks']));
    return null;
  }
  const runner = new Runner(policy, base, topLevel, a);
  const methods = operation ? [operation.method] : [...new Set([...METHODS, ...a.methods, OTHER_METHOD])];
  const paths: { path: string; sample: string }[] = operation
    ? [{ path: operation.route, sample: operation.route.replace(/\*$/, 'x') }]
    : [
        ...[...a.exactPaths].filter((p) => p.startsWith('/')).map((p) => ({ path: p, sample: p })),
        ...[...a.prefixPaths].filter((p) => p.startsWith('/')).sort((x, y) => y.length - x.length).map((p) => ({ path: `${p}*`, sample: `${p}\u0001` })),
        { path: '/*', sample: a.prefixPaths.has('/') ? '/\u0001' : '\u0001' },
      ];
  if (operation && (a.exactPaths.size > 0 || a.prefixPaths.size > 0)) d.push(note(deciding[0].file, deciding[0].line, `the conditions on the path are evaluated with ${operation.route.replace(/\*$/, '…')} for operation ${operation.method} ${operation.route}`));

  const reported = new Set<string>();
  const report = (diag: PolicyDiagnostic) => {
    const key = `${diag.file}:${diag.line}:${diag.message}`;
    if (!reported.has(key)) d.push(diag);
    reported.add(key);
  };
  type Outcomes = Map<string, Omit<ChosenRoute, 'path' | 'methods'>>;
  const outcomesAt = (sample: string): Outcomes => new Map(methods.map((m) => [m, routeFor(runner, m, sample, worlds, a, report)]));
  if (operation) return [{ path: paths[0].path, methods: [operation.method], ...outcomesAt(paths[0].sample).get(operation.method)! }];

  // The catch-all path first: a path whose every method fares as there needs no routes of its own.
  const fallbackPath = paths[paths.length - 1];
  const fallbackOutcomes = outcomesAt(fallbackPath.sample);
  const routes: ChosenRoute[] = [];
  for (const { path, sample } of paths) {
    const outcomes = path === fallbackPath.path ? fallbackOutcomes : outcomesAt(sample);
    if (path !== fallbackPath.path && methods.every((m) => JSON.stringify(outcomes.get(m)) === JSON.stringify(fallbackOutcomes.get(m)))) continue;
    const groups = new Map<string, { route: Omit<ChosenRoute, 'path' | 'methods'>; methods: string[] }>();
    for (const m of methods) {
      const route = outcomes.get(m)!;
      const key = JSON.stringify(route);
      const g = groups.get(key) ?? { route, methods: [] };
      g.methods.push(m);
      groups.set(key, g);
    }
    const all = [...groups.values()];
    const fallback = all.find((g) => g.methods.includes(OTHER_METHOD))!;
    const own: ChosenRoute[] = [];
    // HEAD matches a GET route unless it has its own: a HEAD that fares unlike GET gets one, first.
    const get = all.find((g) => g.methods.includes('GET'));
    if (fallback.methods.includes('HEAD') && get !== fallback) own.push({ path, methods: ['HEAD'], ...fallback.route });
    for (const g of all) if (g !== fallback) own.push({ path, methods: g.methods, ...g.route });
    own.sort((x, y) => Number(!x.methods.includes('HEAD')) - Number(!y.methods.includes('HEAD')));
    routes.push(...own, { path, methods: ['*'], ...fallback.route });
  }
  return routes;
}

function choosesIn(steps: ApimStep[]): ApimChoose[] {
  return steps.flatMap((s) => (s.kind === 'choose' ? [s, ...choosesIn(s.branches.flatMap((b) => b.steps).concat(s.otherwise ?? []))] : []));
}

/** Whether a choose can change whether a request reaches the backend. */
function decides(c: ApimChoose): boolean {
  const steps = c.branches.flatMap((b) => b.steps).concat(c.otherwise ?? []);
  return steps.some((s) => s.kind === 'validate' || s.kind === 'return-response' || s.kind === 'set-variable' || (s.kind === 'choose' && decides(s)));
}

function rejectsOnly(steps: ApimStep[]): boolean {
  const ret = steps.find((s) => s.kind === 'return-response');
  return ret !== undefined && ret.kind === 'return-response' && ret.status !== null && ret.status >= 400 && steps.every((s) => s.kind === 'return-response' || s.kind === 'other');
}

/**
 * Parses every condition and expression-valued set-variable, and finds what the conditions read: the
 * methods and paths they compare with, the claims and claim values they test. A condition reading
 * anything else (another header, the query, the address, the subscription) is skipped: routes
 * can't tell requests apart by it.
 */
function analyse(steps: ApimStep[], base: Validation, d: PolicyDiagnostic[]): Analysis {
  const a: Analysis = { parsed: new Map(), skipped: new Map(), methods: new Set(), exactPaths: new Set(), prefixPaths: new Set(), claims: new Map() };
  const tokenHeader = (base.headerName ?? 'Authorization').toLowerCase();
  // Variables the emulation knows the value of: set-variable's and the validations' output variables.
  // Any other (cache-lookup-value, send-request) is set by what the emulation doesn't run.
  const known = new Set<string>();
  const collect = (list: ApimStep[]) => {
    for (const s of list) {
      if (s.kind === 'set-variable') known.add(s.name);
      else if (s.kind === 'validate' && s.validation.outputVariable) known.add(s.validation.outputVariable);
      else if (s.kind === 'choose') for (const b of [...s.branches.map((x) => x.steps), s.otherwise ?? []]) collect(b);
    }
  };
  collect(steps);
  const unknownVariables = new Map<string, string>();
  const visitSteps = (list: ApimStep[]) => {
    for (const s of list) {
      if (s.kind === 'validate') {
        for (const c of s.validation.requiredClaims) {
          if (isExpression(c.name) || c.values.some(isExpression)) continue;
          const entry = claimEntry(a, c.name);
          for (const v of c.values) entry.values.add(v);
          if (c.separator) entry.separator ??= c.separator;
        }
      } else if (s.kind === 'set-variable' && isExpression(s.value)) {
        // What it reads counts as the conditions' reads: its value is theirs once they read the variable.
        const p = parsePolicyExpression(s.value);
        const probe = p.ok ? evaluatePolicyExpression(p.expr, PROBE) : undefined;
        const why = !p.ok ? p.reason : probe?.kind === 'unsupported' ? probe.message : readsOf(p.expr, a, tokenHeader, known, unknownVariables);
        if (p.ok && !why) a.parsed.set(s.value, p.expr);
        // A condition reading this variable is then skipped, not evaluated with the variable unset.
        else unknownVariables.set(s.name, `its set-variable, ${s.value} at ${s.file}:${s.line}, is not emulated: ${why}`);
      } else if (s.kind === 'choose') {
        for (const b of s.branches) {
          const p = parsePolicyExpression(b.condition);
          if (!p.ok) {
            a.skipped.set(b, { why: p.reason });
          } else {
            // Every node is evaluated whatever the request, so one evaluation finds what is outside the subset.
            const probe = evaluatePolicyExpression(p.expr, PROBE);
            const why = probe.kind === 'unsupported' ? probe.message : readsOf(p.expr, a, tokenHeader, known, unknownVariables);
            if (why) a.skipped.set(b, { why });
            else a.parsed.set(b.condition, p.expr);
          }
          visitSteps(b.steps);
        }
        visitSteps(s.otherwise ?? []);
      }
    }
  };
  visitSteps(steps);
  return a;
}

function claimEntry(a: Analysis, name: string) {
  let e = a.claims.get(name);
  if (!e) a.claims.set(name, (e = { values: new Set() }));
  return e;
}

const PROBE: ExpressionRequest = { method: 'GET', path: '/', ipAddress: '192.0.2.1', headers: {}, query: {}, variables: {}, subscription: null };

type Node = PolicyExpression;
const isMember = (n: Node | undefined, name: string): n is Extract<Node, { kind: 'member' }> => n?.kind === 'member' && n.name === name;
const isContext = (n: Node, ...path: string[]): boolean => {
  let cur: Node = n;
  for (const name of [...path].reverse()) {
    if (!isMember(cur, name)) return false;
    cur = cur.target;
  }
  return cur.kind === 'name' && cur.name === 'context';
};
const literal = (n: Node | undefined): string | undefined => (n?.kind === 'string' ? n.value : undefined);

/**
 * What a condition reads, recorded in the analysis; a reason when it reads something the routes can't
 * tell requests apart by. Parents are known from the walk: `Path` must be compared as a whole
 * (==, !=, Equals, StartsWith with a literal), a header must be the token header read as a JWT.
 */
function readsOf(root: Node, a: Analysis, tokenHeader: string, known: Set<string>, unknownVariables: Map<string, string>): string | undefined {
  const strings: Node[] = [];
  /** Literals that are names (of claims, headers, variables), separators, methods or paths: not claim values. */
  const names = new Set<Node>();
  const claimNames: string[] = [];
  let problem: string | undefined;
  const walk = (n: Node, parents: Node[]) => {
    const parent = parents[parents.length - 1];
    const grand = parents[parents.length - 2];
    if (n.kind === 'string') strings.push(n);
    if (n.kind === 'call' && ['GetValueOrDefault', 'ContainsKey', 'Split'].includes(n.method)) for (const arg of n.args) names.add(arg);
    if (n.kind === 'index') names.add(n.index);
    if (isContext(n, 'Variables')) {
      const name = parent?.kind === 'index' ? literal(parent.index) : parent?.kind === 'call' ? literal(parent.args[0]) : undefined;
      if (name === undefined) problem ??= 'it reads context.Variables other than one variable by a literal name';
      else if (unknownVariables.has(name)) problem ??= `it reads variable ${JSON.stringify(name)}; ${unknownVariables.get(name)}`;
      else if (!known.has(name)) problem ??= `it reads variable ${JSON.stringify(name)}, which no set-variable or token validation here sets (another policy, or an enclosing scope, does)`;
    }
    if (n.kind === 'member' && ['IpAddress', 'Subscription', 'Query'].includes(n.name)) problem ??= `it reads context.Request.${n.name === 'Subscription' ? 'Subscription' : n.name}, which the reference gateway's routes can't tell requests apart by`;
    if (isContext(n, 'Request', 'Method')) {
      const other = comparedWith(n, parent);
      if (other === undefined) problem ??= 'it uses context.Request.Method other than comparing it with a literal';
      else {
        // A literal no HTTP method can be (a space, a digit) never matches: no route for it.
        if (/^[A-Za-z]+$/.test(other.value)) a.methods.add(other.value.toUpperCase());
        names.add(other);
      }
    }
    if (isContext(n, 'Request', 'Url', 'Path')) {
      const starts = parent?.kind === 'call' && parent.target === n && parent.method === 'StartsWith' && parent.args.length === 1 && parent.args[0].kind === 'string' ? parent.args[0] : undefined;
      const other = starts === undefined ? comparedWith(n, parent, true) : undefined;
      if ((starts ?? other)?.value.includes('*')) problem ??= 'it compares the path with a literal holding "*", which a route would read as a prefix';
      else if (starts?.kind === 'string') {
        a.prefixPaths.add(starts.value);
        names.add(starts);
      } else if (other !== undefined) {
        a.exactPaths.add(other.value);
        names.add(other);
      }
      else problem ??= 'it uses context.Request.Url.Path other than comparing it with a literal (==, !=, Equals, StartsWith), which routes can match';
    }
    if (isContext(n, 'Request', 'Headers')) {
      const name = parent?.kind === 'call' && parent.method === 'GetValueOrDefault' ? literal(parent.args[0]) : parent?.kind === 'index' ? literal(parent.index) : undefined;
      const chain = [...parents].reverse();
      const asJwt = chain.some((p) => p.kind === 'call' && p.method === 'AsJwt');
      if (name?.toLowerCase() !== tokenHeader || !asJwt) problem ??= `it reads the ${name ?? ''} header${name?.toLowerCase() === tokenHeader ? ' other than as a JWT' : ''}, which the reference gateway's routes can't tell requests apart by`.replace('the  header', 'a header');
    }
    if (isMember(n, 'Claims')) {
      const name = parent?.kind === 'call' && parent.method === 'GetValueOrDefault' ? literal(parent.args[0]) : parent?.kind === 'index' ? literal(parent.index) : undefined;
      if (name === undefined) problem ??= 'it reads Claims other than one claim by a literal name';
      else {
        claimNames.push(name);
        const entry = claimEntry(a, name);
        if (grand?.kind === 'call' && grand.method === 'Split' && grand.args.length === 1) {
          const sep = literal(grand.args[0]);
          if (sep !== undefined) {
            if (entry.separator !== undefined && entry.separator !== sep) problem ??= `claim ${name} is split on two separators`;
            entry.separator = sep;
          }
        }
      }
    }
    if (n.kind === 'member' && ['Subject', 'Issuer', 'Id'].includes(n.name) && !isContext(n, 'Subscription', 'Id')) claimNames.push({ Subject: 'sub', Issuer: 'iss', Id: 'jti' }[n.name]!);
    const children: Node[] =
      n.kind === 'member' ? [n.target] : n.kind === 'call' ? [n.target, ...n.args] : n.kind === 'index' ? [n.target, n.index] : n.kind === 'cast' || n.kind === 'not' ? [n.operand] : n.kind === 'binary' ? [n.left, n.right] : [];
    for (const c of children) walk(c, [...parents, n]);
  };
  walk(root, []);
  // Every other literal may be a claim value the condition tests: more combinations, never fewer.
  for (const name of new Set(claimNames)) {
    const entry = claimEntry(a, name);
    for (const s of strings) if (!names.has(s) && s.kind === 'string' && s.value.length > 0) entry.values.add(s.value);
  }
  return problem;
}

/** The literal a value is compared with as a whole (==, !=, Equals), when it is. */
function comparedWith(n: Node, parent: Node | undefined, caseSensitiveOnly = false): Extract<Node, { kind: 'string' }> | undefined {
  const lit = (x: Node | undefined) => (x?.kind === 'string' ? x : undefined);
  if (parent?.kind === 'binary' && (parent.op === '==' || parent.op === '!=')) return lit(parent.left === n ? parent.right : parent.left);
  if (parent?.kind === 'call' && parent.target === n && parent.method === 'Equals' && parent.args.length >= 1) {
    // Equals(x, StringComparison.OrdinalIgnoreCase) on a path can't be a route; on a method it can (methods are upper case).
    if (caseSensitiveOnly && parent.args.length > 1) return undefined;
    return lit(parent.args[0]);
  }
  return undefined;
}

/** Every combination of the named claim values (and their near misses) a token could carry. */
function claimWorlds(a: Analysis): Record<string, unknown>[] {
  let worlds: Record<string, unknown>[] = [{}];
  for (const [name, entry] of a.claims) {
    const values = [...entry.values].slice(0, 4);
    const atoms = [...values, ...values.map((v) => v + DECOY), FILLER];
    const states: (unknown | undefined)[] = [undefined];
    for (let mask = 0; mask < 1 << atoms.length; mask++) {
      const held = atoms.filter((_, i) => mask & (1 << i));
      states.push(entry.separator !== undefined ? held.join(entry.separator) : held);
    }
    const next: Record<string, unknown>[] = [];
    for (const w of worlds) for (const s of states) next.push(s === undefined ? w : { ...w, [name]: s });
    worlds = next;
    if (worlds.length > MAX_WORLDS) return worlds;
  }
  return worlds;
}

/** A claim world without near misses or the filler value: the worlds a requirement must match exactly. */
function core(w: Record<string, unknown>): boolean {
  return Object.values(w).every((v) => {
    const items = Array.isArray(v) ? v : String(v).split(/\s|,/);
    return items.every((x) => x !== FILLER && !String(x).endsWith(DECOY));
  });
}

interface Outcome {
  allowed: boolean;
  /** Whether a token validation ran on the way. */
  validated: boolean;
  /** Set when refused: the status and what refused it. */
  status?: number;
  by?: { file: string; line: number; what: string };
}

class Runner {
  readonly policy: ApimPolicy;
  readonly base: Validation;
  readonly topLevel: Set<Validation>;
  readonly a: Analysis;
  constructor(policy: ApimPolicy, base: Validation, topLevel: Set<Validation>, a: Analysis) {
    this.policy = policy;
    this.base = base;
    this.topLevel = topLevel;
    this.a = a;
  }

  run(method: string, path: string, claims: Record<string, unknown> | null): Outcome {
    const header = this.base.headerName ?? 'Authorization';
    const token = claims ? unsignedToken(claims) : undefined;
    const request: ExpressionRequest = {
      method,
      path,
      ipAddress: '192.0.2.1',
      headers: token ? { [header]: [header.toLowerCase() === 'authorization' ? `Bearer ${token}` : token] } : {},
      query: {},
      variables: {},
      subscription: null,
    };
    const state = { validated: false };
    return this.steps(this.policy.inbound, request, claims, state) ?? { allowed: true, validated: state.validated };
  }

  steps(steps: ApimStep[], request: ExpressionRequest, claims: Record<string, unknown> | null, state: { validated: boolean }): Outcome | undefined {
    for (const s of steps) {
      switch (s.kind) {
        case 'validate': {
          const v = s.validation;
          const by = { file: v.file, line: v.line, what: `<${v.kind}>` };
          if (v !== this.base && !this.topLevel.has(v) && !sameValidation(v, this.base)) {
            throw new ChooseNotMappableError(`the <${v.kind}> at ${v.file}:${v.line} validates tokens differently from the one at ${this.base.file}:${this.base.line} (keys, issuers, audiences or token location): the reference gateway validates every route alike`);
          }
          if (!claims) return { allowed: false, validated: state.validated, status: v.failedStatus, by };
          // The unconditional validations' claims are token-wide (emulate-policy); a branch's are the route's.
          if (!this.topLevel.has(v) && !branchClaimsHold(v, claims)) return { allowed: false, validated: true, status: v.failedStatus, by };
          state.validated = true;
          if (v.outputVariable) request.variables[v.outputVariable] = { jwt: claims };
          break;
        }
        case 'return-response':
          return { allowed: false, validated: state.validated, status: s.status ?? 0, by: { file: s.file, line: s.line, what: '<return-response>' } };
        case 'set-variable': {
          if (!isExpression(s.value)) {
            request.variables[s.name] = s.value;
            break;
          }
          const expr = this.a.parsed.get(s.value);
          if (!expr) break;
          const r = evaluatePolicyExpression(expr, request);
          if (r.kind === 'error') return { allowed: false, validated: state.validated, status: 500, by: { file: s.file, line: s.line, what: `${s.value} (${r.message})` } };
          if (r.kind === 'value' && (typeof r.value === 'string' || typeof r.value === 'boolean' || (r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value)))) {
            request.variables[s.name] = r.value as string;
          }
          break;
        }
        case 'choose': {
          let taken: ApimStep[] | null = s.otherwise;
          for (const b of s.branches) {
            if (this.a.skipped.has(b)) continue;
            const r = evaluatePolicyExpression(this.a.parsed.get(b.condition)!, request);
            if (r.kind === 'unsupported') throw new ChooseNotMappableError(`not emulated: ${b.condition} at ${b.file}:${b.line} (${r.message})`);
            // An exception in a condition: APIM runs on-error, 500 unless on-error says otherwise.
            if (r.kind === 'error') return { allowed: false, validated: state.validated, status: 500, by: { file: b.file, line: b.line, what: `${b.condition} (${r.message})` } };
            if (typeof r.value !== 'boolean') throw new ChooseNotMappableError(`not emulated: ${b.condition} at ${b.file}:${b.line} (its value is not a bool)`);
            if (r.value) {
              taken = b.steps;
              break;
            }
          }
          const out = taken ? this.steps(taken, request, claims, state) : undefined;
          if (out) return out;
          break;
        }
        case 'other':
          break;
      }
    }
    return undefined;
  }
}

function sameValidation(a: Validation, b: Validation): boolean {
  const strip = (v: Validation) => {
    const { requiredClaims: _r, line: _l, index: _i, file: _f, outputVariable: _o, failedMessage: _m, ...rest } = v as ApimValidateJwt;
    const lineless = JSON.parse(JSON.stringify(rest, (k, x) => (k === 'line' || k === 'audiencesLine' || k === 'issuersLine' ? undefined : x))) as Record<string, unknown>;
    return lineless;
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function branchClaimsHold(v: Validation, claims: Record<string, unknown>): boolean {
  for (const c of v.requiredClaims) {
    if (isExpression(c.name) || c.values.some(isExpression)) continue;
    if (c.values.length === 0) {
      if (claims[c.name] === undefined) return false;
      continue;
    }
    if (!requirementHolds({ claims: [c.name], values: c.values, match: c.match, separator: c.separator || NO_SPLIT }, claims)) return false;
  }
  // validate-azure-ad-token's client-application-ids are the base validation's (sameValidation): token-wide.
  return true;
}

/** A token as `AsJwt()` reads it: the payload is all that matters, nothing is verified. */
function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

/**
 * One method and path: anonymous when a request without a token gets through, else the requirement
 * whose verdict on every claim combination is the policy's. Where none is exact, the emulation lets
 * tokens through that APIM refuses, never the other way round, and lists the checks that affects.
 */
function routeFor(runner: Runner, method: string, path: string, worlds: Record<string, unknown>[], a: Analysis, report: (d: PolicyDiagnostic) => void): Omit<ChosenRoute, 'path' | 'methods'> {
  const where = `${method === OTHER_METHOD ? 'other methods' : method} ${path.replace(/\u0001$/, '…').replace(/^\u0001$/, 'other paths')}`;
  let anonymous: Outcome;
  let results: Outcome[];
  try {
    anonymous = runner.run(method, path, null);
    results = worlds.map((w) => runner.run(method, path, w));
  } catch (err) {
    if (!(err instanceof ChooseNotMappableError)) throw err;
    const first = runner.base;
    report(notEmulated(first.file, first.line, `${err.message}; ${where} is emulated with token validation and no claim requirement`, ['claims', 'request-checks']));
    return { auth: 'required' };
  }
  if (anonymous.allowed) {
    if (results.some((r) => !r.allowed)) {
      const by = results.find((r) => !r.allowed)!.by!;
      report(notEmulated(by.file, by.line, `${where}: requests without a token get through, but ${by.what} refuses some tokens; emulated as anonymous`, ['claims']));
    }
    return { auth: 'anonymous' };
  }
  const unvalidated = results.find((r) => r.allowed && !r.validated);
  if (unvalidated) {
    const c = runner.policy.inbound.find((s) => s.kind === 'choose') as ApimChoose;
    report(notEmulated(c.file, c.line, `${where}: a token's unverified claims (AsJwt) let it through without any validation, so a forged token passes; the emulation validates it`, TOKEN_CHECKS));
  }
  for (const r of results) {
    if (r.allowed || !r.by) continue;
    if (r.status === 500) report(notEmulated(r.by.file, r.by.line, `${r.by.what} throws for some tokens: APIM answers 500 (on-error); the emulation answers 403`, ['failure-response']));
    else if (r.by.what === '<return-response>' && r.status !== 403) report(notEmulated(r.by.file, r.by.line, `return-response ${r.status || '(computed status)'} is emulated as 403 insufficient_scope`, ['failure-response']));
    else if (r.by.what !== '<return-response>' && r.status !== 403) report(note(r.by.file, r.by.line, `its required claims are emulated as the route's requirement: refused with 403 insufficient_scope, where APIM answers ${r.status}`));
  }
  const allowed = results.map((r) => r.allowed);
  if (allowed.every(Boolean)) return { auth: 'required' };
  if (!allowed.some(Boolean)) {
    const by = results[0].by!;
    report(notEmulated(by.file, by.line, `${where}: ${by.what} refuses every token; the reference gateway has no route that refuses all, so the emulation lets valid tokens through`, ['request-checks']));
    return { auth: 'required' };
  }
  const requirement = fit(worlds, allowed, a);
  if (!requirement) {
    const by = results.find((r) => !r.allowed)!.by!;
    report(notEmulated(by.file, by.line, `${where}: which tokens ${by.what} refuses is not one claim requirement (any or all of some values); emulated without it`, ['claims']));
    return { auth: 'required' };
  }
  if (!requirement.exact) {
    const by = results.find((r) => !r.allowed)!.by!;
    report(notEmulated(by.file, by.line, `${where}: the condition is not a whole-value claim test (a substring, prefix or joined-value comparison): a near miss such as "${requirement.requirement.values[0]}${DECOY}" or a token with one more value is judged differently by APIM; emulated as requiring ${requirement.requirement.values.join(requirement.requirement.match === 'all' ? ' and ' : ' or ')} in ${requirement.requirement.claims.join(', ')}`, ['claims']));
  }
  return { auth: 'required', require: requirement.requirement };
}

/** The requirement whose verdict on every core claim world is the policy's; exact if on every world. */
function fit(worlds: Record<string, unknown>[], allowed: boolean[], a: Analysis): { requirement: Requirement; exact: boolean } | undefined {
  const coreIdx = worlds.map((w, i) => (core(w) ? i : -1)).filter((i) => i >= 0);
  // Claims whose state alone changes the verdict between two core worlds.
  const relevant = [...a.claims.keys()].filter((name) => {
    const byRest = new Map<string, boolean>();
    for (const i of coreIdx) {
      const { [name]: _omit, ...rest } = worlds[i];
      const key = JSON.stringify(rest);
      const seen = byRest.get(key);
      if (seen !== undefined && seen !== allowed[i]) return true;
      byRest.set(key, allowed[i]);
    }
    return false;
  });
  if (relevant.length === 0) return undefined;
  const seps = new Set(relevant.map((n) => a.claims.get(n)!.separator).filter((s) => s !== undefined));
  if (seps.size > 1) return undefined;
  const separator = [...seps][0] ?? NO_SPLIT;
  const values = [...new Set(relevant.flatMap((n) => [...a.claims.get(n)!.values].slice(0, 4)))];
  let best: { requirement: Requirement; exact: boolean } | undefined;
  for (let mask = 1; mask < 1 << values.length; mask++) {
    const chosen = values.filter((_, i) => mask & (1 << i));
    for (const match of chosen.length > 1 ? (['any', 'all'] as const) : (['any'] as const)) {
      const requirement: Requirement = { values: chosen, claims: relevant, match, separator };
      if (!coreIdx.every((i) => requirementHolds(requirement, worlds[i]) === allowed[i])) continue;
      const exact = worlds.every((w, i) => requirementHolds(requirement, w) === allowed[i]);
      if (!best || (exact && !best.exact) || (exact === best.exact && chosen.length < best.requirement.values.length)) best = { requirement, exact };
    }
  }
  return best;
}
