import { IDENTITY_CLAIMS, type GatewayConfigInput } from '../config.ts';
import { evaluateApigeeCondition, parseApigeeCondition, comparisons, type ApigeeCondition, type ConditionRequest } from './apigee-condition.ts';
import { emulateReadPolicy, type EmulateOptions, type Emulation } from './emulate-policy.ts';
import type { PolicyElement } from './parse-policy-xml.ts';
import { note, notEmulated, type PolicyCheck, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';
import { API_KEYS_NAME } from './policy-values.ts';
import { readApigeeBundle, type ApigeeBundle, type ApigeeBundlePolicy, type ApigeeEndpoint, type ApigeeStep } from './read-apigee-bundle.ts';
import { readParsedPolicy } from './read-policy.ts';

type Route = GatewayConfigInput['routes'][number];
type Requirement = NonNullable<Route['require']>;

const TOKEN_CHECKS: PolicyCheck[] = ['token-location', 'signature', 'algorithm', 'issuer', 'audience', 'lifetime', 'claims'];
/** The claims contract's fields, by the claim an AssignMessage header carries (as the APIM emulation maps them). */
const CLAIM_HEADER_FIELD: Record<string, 'userId' | 'tenantId' | 'clientId' | 'roles' | 'scopes'> = {
  oid: 'userId', sub: 'userId', tid: 'tenantId', azp: 'clientId', appid: 'clientId', client_id: 'clientId', roles: 'roles', scp: 'scopes',
};
const CONTRACT_HEADERS = { userId: 'X-User-Id', tenantId: 'X-Tenant-Id', clientId: 'X-Client-Id', roles: 'X-Roles', scopes: 'X-Scopes' } as const;
/** Policies that only shape data or observe: no verdict of the suite depends on them. */
const INERT = new Set(['ExtractVariables', 'KeyValueMapOperations', 'StatisticsCollector', 'MessageLogging', 'DataCapture', 'TraceCapture', 'LookupCache', 'PopulateCache', 'InvalidateCache', 'ResponseCache', 'XMLToJSON', 'JSONToXML', 'XSL', 'DecodeJWT', 'DecodeJWS', 'AccessEntity', 'GenerateJWT', 'GenerateJWS']);
/** Methods tried for "any other verb": the first one no condition names stands for all of them. */
const OTHER_METHODS = ['PATCH', 'PUT', 'DELETE', 'OPTIONS', 'POST', 'GET', 'TRACE'];
/** Quota `<TimeUnit>` in seconds (cloud.google.com/apigee/docs/api-platform/reference/policies/quota-policy). */
const TIME_UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800, month: 2_592_000 };

/** One policy run on a request, after the conditions that decide it. */
interface Outcome {
  steps: ApigeeStep[];
  /**
   * A RaiseFault that runs: the request never reaches the target. Before a VerifyJWT every caller gets
   * its status; after one, callers without a valid token get the VerifyJWT's 401 first.
   */
  fault?: ApigeeStep;
  faultAfterVerify?: boolean;
  nullRoute?: { file: string; line: number };
}

/** A route the emulation serves, with the requests that stand for it. */
interface Candidate {
  path: string;
  probes: string[];
  /** The comparisons the route comes from, for messages. */
  from: { text: string; file: string; line: number }[];
}

/**
 * An exported Apigee proxy as the reference gateway's config. Every ProxyEndpoint's flows, steps and
 * route rules are evaluated, with Apigee's order (PreFlow, the first conditional Flow whose condition
 * holds, PostFlow, then the chosen TargetEndpoint's), for one request per route pattern and method the
 * conditions name; what runs becomes that route: required when a VerifyJWT runs, with the claims only
 * that route's VerifyJWTs add as its requirement, the Authorization header dropped when an AssignMessage
 * removes it, SpikeArrest or Quota as its rate limit, VerifyAPIKey as its product. A RaiseFault that
 * answers 404 before any token check is a path the gateway does not route. Conditions outside the
 * verb-and-path subset, policies with no equivalent and route patterns the reference gateway cannot
 * express are `not-emulated` diagnostics naming the file, the line and the checks they affect.
 */
export async function emulateApigeeBundle(source: string, options: Omit<EmulateOptions, 'file'>): Promise<Emulation> {
  const bundle = await readApigeeBundle(source);
  const diagnostics: PolicyDiagnostic[] = [...bundle.diagnostics];
  const push = (d: PolicyDiagnostic) => {
    if (!diagnostics.some((x) => x.file === d.file && x.line === d.line && x.message === d.message)) diagnostics.push(d);
  };
  const conditions = new Conditions();
  const unknown = new Map<string, { diagnostic: Omit<PolicyDiagnostic, 'message'> & { text: string; assumed: string }; routes: Set<string> }>();

  const routed: { endpoint: ApigeeEndpoint; candidate: Candidate; method: string; outcome: Outcome; unknowns: string[] }[] = [];
  for (const proxy of bundle.proxies) {
    const base = proxy.basePath.replace(/\/+$/, '');
    const related = [...proxy.preFlow, ...proxy.flows.flatMap((f) => f.steps), ...proxy.postFlow, ...[...bundle.targets.values()].flatMap((t) => [...t.preFlow, ...t.flows.flatMap((f) => f.steps), ...t.postFlow])];
    const texts = [
      ...proxy.flows.map((f) => ({ text: f.condition, file: f.file, line: f.conditionLine ?? f.line })),
      ...related.map((s) => ({ text: s.condition, file: s.file, line: s.conditionLine ?? s.line })),
      ...proxy.routeRules.map((r) => ({ text: r.condition, file: proxy.file, line: r.conditionLine ?? r.line })),
      ...[...bundle.targets.values()].flatMap((t) => t.flows.map((f) => ({ text: f.condition, file: f.file, line: f.conditionLine ?? f.line }))),
    ].filter((t): t is { text: string; file: string; line: number } => t.text !== undefined);
    const { candidates, methods } = candidatesOf(base, texts, conditions);
    for (const candidate of candidates) {
      for (const method of methods) {
        const results = candidate.probes.map((path) => {
          const unknowns: string[] = [];
          const outcome = run(bundle, proxy, { verb: method === '*' ? otherMethod(methods) : method, path, pathsuffix: path.slice(base.length) }, conditions, (key, d) => {
            unknowns.push(key);
            if (!unknown.has(key)) unknown.set(key, { diagnostic: d, routes: new Set() });
          });
          return { outcome, unknowns };
        });
        const [first, ...others] = results;
        const sig = (o: Outcome) => JSON.stringify([o.steps.map((s) => `${s.file}:${s.line}`), o.fault?.line, o.nullRoute?.line]);
        const differing = others.findIndex((r) => sig(r.outcome) !== sig(first.outcome));
        if (differing >= 0 && candidate.from.length > 0) {
          const [at] = candidate.from;
          push(
            notEmulated(
              at.file,
              at.line,
              `${[...new Set(candidate.from.map((f) => f.text))].join(', ')}: the reference gateway's route ${candidate.path} takes ${candidate.probes[differing + 1]} as well as ${candidate.probes[0]}, which this proxy treats differently; both are emulated as ${candidate.probes[0]}`,
              ['request-checks'],
            ),
          );
        }
        routed.push({ endpoint: proxy, candidate, method, outcome: first.outcome, unknowns: first.unknowns });
      }
    }
  }

  // Token validation: every VerifyJWT that runs somewhere, emulated as the single-policy mode does.
  const verifiers = new Map<string, Emulation>();
  const verifyOf = (o: Outcome) => (o.fault ? [] : o.steps.map((s) => bundle.policies.get(s.policy)!).filter((p) => p.type === 'VerifyJWT' && p.enabled));
  for (const r of routed) {
    for (const p of verifyOf(r.outcome)) {
      if (verifiers.has(p.name)) continue;
      verifiers.set(p.name, await emulateReadPolicy(readParsedPolicy(p.element, p.file, { values: options.values }), { ...options, file: p.file }));
    }
  }
  if (verifiers.size === 0) {
    const anyJwt = [...bundle.policies.values()].find((p) => p.type === 'VerifyJWT');
    const at = anyJwt ? { file: anyJwt.file, line: anyJwt.element.line } : { file: bundle.proxies[0].file, line: bundle.proxies[0].line };
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', at.file, at.line, anyJwt ? `VerifyJWT "${anyJwt.name}" runs on no request (no step names it where a request reaches it): nothing validates tokens` : 'no VerifyJWT policy: nothing validates tokens, so there is nothing to emulate');
  }
  const shared = (e: Emulation) => {
    const { routes: _r, upstream: _u, listen: _l, rateLimits: _rl, token, ...rest } = e.config;
    return { ...rest, token: { ...token, claimValues: undefined } };
  };
  const [firstName, first] = [...verifiers.entries()][0];
  for (const [name, e] of verifiers) {
    if (JSON.stringify(shared(e)) === JSON.stringify(shared(first))) continue;
    const a = shared(first) as Record<string, unknown>;
    const b = shared(e) as Record<string, unknown>;
    const differ = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    const p = bundle.policies.get(name)!;
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', p.file, p.element.line, `VerifyJWT "${name}" validates tokens differently from "${firstName}" (${bundle.policies.get(firstName)!.file}) in ${differ.join(', ')}: the reference gateway validates every route of one target alike; test these flows as separate bundles`);
  }
  for (const e of verifiers.values()) for (const d of e.diagnostics) push(d);

  // Claim rules every protected route has stay token-wide; the rest are that route's requirement.
  const rulesOf = (o: Outcome) => [...new Set(verifyOf(o).flatMap((p) => (verifiers.get(p.name)!.config.token?.claimValues ?? []).map((c) => JSON.stringify(c))))];
  const protectedRuns = routed.filter((r) => verifyOf(r.outcome).length > 0);
  const common = rulesOf(protectedRuns[0].outcome).filter((c) => protectedRuns.every((r) => rulesOf(r.outcome).includes(c)));

  const config: GatewayConfigInput = { ...first.config, token: { ...first.config.token, claimValues: common.map((c) => JSON.parse(c) as Requirement) }, routes: [] };
  if (config.token!.claimValues!.length === 0) delete config.token!.claimValues;
  const rateLimits: NonNullable<GatewayConfigInput['rateLimits']> = {};
  const products = new Map<string, { header: string; query: string }>();
  const claimHeaders = new Map<string, { field: string; policy: ApigeeBundlePolicy }>();
  const covered = new Set<string>();

  const routes: (Route & { order: number })[] = [];
  const refused: Refused[] = [];
  const label = (r: (typeof routed)[number]) => `${r.method === '*' ? 'any other method' : r.method} ${r.candidate.path}`;
  routed.forEach((r, order) => {
    for (const key of r.unknowns) unknown.get(key)!.routes.add(label(r));
    const o = r.outcome;
    if (o.nullRoute) {
      push(notEmulated(o.nullRoute.file, o.nullRoute.line, `a RouteRule without a TargetEndpoint answers ${label(r)} without calling a backend; the emulation forwards it to gatecheck's upstream`, ['request-checks']));
    }
    if (o.fault) {
      const p = bundle.policies.get(o.fault.policy)!;
      const status = faultStatus(p);
      if (status !== 404) push(notEmulated(p.file, p.element.line, `RaiseFault "${p.name}" answers ${label(r)} with ${status ?? 'its fault response'}; the emulation answers 404 (no route)`, ['request-checks', 'failure-response']));
      else if (o.faultAfterVerify) push(note(p.file, p.element.line, `RaiseFault "${p.name}" runs after a VerifyJWT: Apigee answers a request without a valid token 401 there, the emulation 404 (no route)`));
      refused.push({ method: r.method === '*' ? otherMethod([...new Set(routed.map((x) => x.method))]) : r.method, path: r.candidate.probes[0], label: label(r), file: p.file, line: p.element.line });
      return;
    }
    const policies = o.steps.map((s) => ({ step: s, policy: bundle.policies.get(s.policy)! })).filter((x) => x.policy.enabled);
    const verify = verifyOf(o);
    const route: Route & { order: number } = { path: r.candidate.path, methods: [r.method], auth: verify.length > 0 ? 'required' : 'anonymous', forwardAuthorization: true, order };
    const own = rulesOf(o).filter((c) => !common.includes(c));
    if (own.length > 1) {
      throw new PolicyError('ERR_POLICY_NOT_EMULABLE', verify[0].file, verify[0].element.line, `${label(r)} requires ${own.length} claim rules the other routes do not: the reference gateway gives a route one requirement`);
    }
    if (own.length === 1) {
      route.require = JSON.parse(own[0]) as Requirement;
      const p = verify.find((v) => (verifiers.get(v.name)!.config.token?.claimValues ?? []).some((c) => JSON.stringify(c) === own[0]))!;
      push(note(p.file, p.element.line, `the claims only VerifyJWT "${p.name}" requires are emulated as the requirement of its routes: refused with 403 insufficient_scope, where Apigee answers 401`));
    }
    let sawVerify = false;
    for (const { step, policy: p } of policies) {
      if (p.type === 'VerifyJWT') {
        sawVerify = true;
        continue;
      }
      if (p.type === 'SpikeArrest' || p.type === 'Quota') {
        const limit = rateLimit(p, sawVerify, verify, push);
        if (!limit) continue;
        if (route.rateLimit) {
          push(notEmulated(p.file, p.element.line, `${p.type} "${p.name}" is a second rate limit on ${label(r)}; the reference gateway applies one per route (${route.rateLimit})`, ['rate-limit']));
          continue;
        }
        rateLimits[p.name] = limit;
        route.rateLimit = p.name;
      } else if (p.type === 'VerifyAPIKey') {
        const where = apiKeyLocation(p, push);
        if (!where) continue;
        products.set(p.name, where);
        route.product = p.name;
      } else if (p.type === 'AssignMessage') {
        const am = assignMessage(p, step, push);
        if (am.removesAuthorization) route.forwardAuthorization = false;
        for (const h of am.removed) covered.add(h.toLowerCase());
        for (const h of am.claimHeaders) {
          const [, policyName, claim] = h.variable;
          const field = CLAIM_HEADER_FIELD[claim];
          if (!field || !verify.some((v) => v.name === policyName) || h.add) {
            push(notEmulated(p.file, h.line, `<Header name="${h.name}">${h.value}: ${!field ? `claim ${claim} is not one the claims contract carries` : h.add ? '<Add> keeps a client\'s own copy of the header' : `VerifyJWT "${policyName}" does not run before it on ${label(r)}`}`, ['claim-headers']));
            continue;
          }
          claimHeaders.set(field, { field: h.name, policy: p });
          covered.add(h.name.toLowerCase());
        }
      } else if (INERT.has(p.type)) {
        push(note(p.file, p.element.line, `<${p.type}> "${p.name}" is not emulated; it decides no check of the suite`));
      } else {
        const checks: PolicyCheck[] = ['OAuthV2', 'BasicAuthentication', 'VerifyJWS', 'VerifyIAM', 'HMAC'].includes(p.type) ? [...TOKEN_CHECKS] : ['request-checks', 'claims'];
        push(notEmulated(p.file, p.element.line, `<${p.type}> "${p.name}" has no equivalent in the reference gateway (it runs on ${label(r)})`, checks));
      }
    }
    routes.push(route);
  });

  for (const [, u] of unknown) {
    const { text, assumed, ...d } = u.diagnostic;
    const affected = [...u.routes];
    push({ ...d, message: `${text} at ${d.file}:${d.line} is outside what gatecheck evaluates (request.verb, proxy.pathsuffix, request.path with =, !=, MatchesPath, Matches); emulated as if it ${assumed}; routes it affects: ${affected.join(', ') || 'none'}` });
  }

  config.routes = orderRoutes(routes, refused, push);
  if (config.routes.length === 0) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', bundle.proxies[0].file, bundle.proxies[0].line, 'no request reaches a target: every flow ends in a RaiseFault');
  if (Object.keys(rateLimits).length > 0) config.rateLimits = rateLimits;
  if (products.size > 0) {
    const keys = options.values?.apiKeys;
    const [name, where] = [...products.entries()][0];
    const p = bundle.policies.get(name)!;
    if (!keys) {
      const fix = options.values ? `${options.values.file} has no ${API_KEYS_NAME}: add a line ${API_KEYS_NAME}: [KEY, …]` : `give them with --policy-values FILE, a YAML file with the line ${API_KEYS_NAME}: [KEY, …]`;
      throw new PolicyError('ERR_POLICY_UNRESOLVED', p.file, p.element.line, `VerifyAPIKey "${name}" accepts the keys of apps registered in Apigee, which the bundle does not hold; ${fix}`);
    }
    for (const [other, w] of products) {
      if (other !== name && JSON.stringify(w) !== JSON.stringify(where)) {
        const q = bundle.policies.get(other)!;
        push(notEmulated(q.file, q.element.line, `VerifyAPIKey "${other}" reads the key from another place than "${name}"; the emulation reads it where "${name}" does`, ['request-checks']));
      }
    }
    config.subscriptions = { header: where.header, query: where.query, products: [...products.keys()].map((n) => ({ name: n, keys: keys.keys })) };
    push(note(p.file, p.element.line, `VerifyAPIKey is emulated with the keys of ${API_KEYS_NAME} in ${options.values!.file}, all valid for every VerifyAPIKey policy; a route that needs a key is skipped by cases that cannot present one`));
  }
  if (claimHeaders.size > 0) config.claimHeaders = Object.fromEntries([...claimHeaders].map(([f, h]) => [f, h.field]));
  if (routes.some((r) => r.auth === 'required')) {
    // The reference gateway sets every contract header from the token and strips the client's copies;
    // Apigee forwards a header no AssignMessage touches, and sends none that one only removes.
    const unset = Object.entries(CONTRACT_HEADERS).filter(([f]) => !claimHeaders.has(f)).map(([, n]) => n);
    const forwarded = unset.filter((n) => !covered.has(n.toLowerCase()));
    const removed = unset.filter((n) => covered.has(n.toLowerCase()));
    const v = bundle.policies.get(firstName)!;
    if (forwarded.length > 0) push(notEmulated(v.file, v.element.line, `the emulation sets ${forwarded.join(', ')} from the token and strips a client's copy; Apigee forwards a client's copy of a header no AssignMessage sets or removes`, ['claim-headers']));
    if (removed.length > 0) push(notEmulated(v.file, v.element.line, `the emulation sets ${removed.join(', ')} from the token; this proxy removes them and sets none`, ['claim-headers']));
  }

  for (const proxy of bundle.proxies) {
    if (proxy.faultRulesLine !== undefined) push(notEmulated(proxy.file, proxy.faultRulesLine, 'FaultRules can change the response to a refused token; not emulated (the emulation answers Apigee\'s default 401)', ['failure-response']));
    if (proxy.responseSteps.length > 0) push(note(proxy.file, proxy.responseSteps[0].line, 'response flows are not emulated; they decide no check of the suite'));
  }
  for (const t of bundle.targets.values()) {
    if (t.url) push(note(t.file, t.url.line, `TargetEndpoint "${t.name}" calls ${t.url.value}; the emulation forwards to gatecheck's upstream instead`));
  }

  const checks = new Set<PolicyCheck>();
  for (const d of diagnostics) for (const c of d.checks ?? []) checks.add(c);
  return { kind: 'apigee', policy: first.policy, config, diagnostics, notEmulated: [...checks].sort() };
}

/** Parsed conditions, each once. */
class Conditions {
  #cache = new Map<string, ApigeeCondition | null>();
  get(text: string): ApigeeCondition | undefined {
    if (!this.#cache.has(text)) this.#cache.set(text, parseApigeeCondition(text) ?? null);
    return this.#cache.get(text) ?? undefined;
  }
}

function otherMethod(methods: string[]): string {
  return OTHER_METHODS.find((m) => !methods.includes(m)) ?? 'PATCH';
}

/**
 * The route patterns and methods the conditions name, each with the requests that stand for it: the
 * pattern's own example and, for a prefix route, a path the prefix takes that the pattern may not.
 */
function candidatesOf(base: string, texts: { text: string; file: string; line: number }[], conditions: Conditions): { candidates: Candidate[]; methods: string[] } {
  const byPath = new Map<string, Candidate>();
  const add = (path: string, probes: string[], from?: Candidate['from'][number]) => {
    const c = byPath.get(path) ?? { path, probes: [], from: [] };
    byPath.set(path, c);
    for (const p of probes) if (!c.probes.includes(p)) c.probes.push(p);
    if (from) c.from.push(from);
  };
  const verbs = new Set<string>();
  for (const t of texts) {
    const c = conditions.get(t.text);
    if (!c) continue;
    for (const x of comparisons(c)) {
      const variable = x.variable.toLowerCase();
      if (variable === 'request.verb') {
        verbs.add(x.value.toUpperCase());
        continue;
      }
      if (variable !== 'proxy.pathsuffix' && variable !== 'request.path') continue;
      const full = variable === 'proxy.pathsuffix' ? `${base}${x.value}` : x.value;
      if (!full.startsWith('/')) continue;
      const op = x.operator.toLowerCase();
      const pathOp = ['matchespath', 'likepath', '~/'].includes(op);
      const from = { text: x.text, file: t.file, line: t.line };
      const star = full.indexOf('*');
      if (star < 0 || !(pathOp || ['matches', 'like', '~', 'javawildcardmatch'].includes(op))) {
        add(full, [full], from);
        continue;
      }
      const prefix = full.slice(0, star);
      const example = pathOp ? full.replace(/\*\*/g, 'x/y').replace(/\*/g, 'x') : full.replace(/\*/g, 'x');
      add(`${prefix}*`, [example, `${prefix}gatecheck`, `${prefix}gatecheck/x`], from);
    }
  }
  // Everything under the base path, and the base path itself.
  add(`${base}/*`, [`${base}/gatecheck-unmatched`, `${base}/`]);
  if (base !== '') add(base, [base]);
  const methods = [...verbs].filter((v) => /^[A-Z]+$/.test(v));
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return { candidates: [...byPath.values()], methods: [...methods, '*'] };
}

/** What Apigee runs for one request: PreFlow, the first matching Flow, PostFlow, then the target's. */
function run(bundle: ApigeeBundle, proxy: ApigeeEndpoint, req: ConditionRequest, conditions: Conditions, onUnknown: (key: string, d: Omit<PolicyDiagnostic, 'message'> & { text: string; assumed: string }) => void): Outcome {
  const truth = (text: string | undefined, file: string, line: number, fallback: boolean, what: string, checks: PolicyCheck[]): boolean => {
    if (text === undefined) return true;
    const c = conditions.get(text);
    const v = c ? evaluateApigeeCondition(c, req) : 'unknown';
    if (v !== 'unknown') return v;
    onUnknown(`${file}:${line}`, { severity: 'warning', rule: 'not-emulated', file, line, checks, text: `<Condition>${text}</Condition>`, assumed: fallback ? `holds (${what} runs)` : `does not hold (${what} does not run)` });
    return fallback;
  };
  const stepRuns = (s: ApigeeStep) => {
    const p = bundle.policies.get(s.policy)!;
    // A guard whose condition gatecheck cannot read is taken as not firing; any other step as running.
    return truth(s.condition, s.file, s.conditionLine ?? s.line, p.type !== 'RaiseFault', `${p.type} "${p.name}"`, checksOf(p.type));
  };
  const flowOf = (e: ApigeeEndpoint) => e.flows.find((f) => truth(f.condition, f.file, f.conditionLine ?? f.line, false, `flow "${f.name}"`, ['request-checks', ...f.steps.flatMap((s) => checksOf(bundle.policies.get(s.policy)!.type))]));
  const steps = [...proxy.preFlow, ...(flowOf(proxy)?.steps ?? []), ...proxy.postFlow].filter(stepRuns);
  let target: ApigeeEndpoint | undefined;
  let nullRoute: Outcome['nullRoute'];
  if (proxy.routeRules.length > 0) {
    const rule = proxy.routeRules.find((r) => truth(r.condition, proxy.file, r.conditionLine ?? r.line, false, `RouteRule "${r.name}"`, ['request-checks', 'authorization-forwarding']));
    if (rule?.target) target = bundle.targets.get(rule.target);
    else if (rule) nullRoute = { file: proxy.file, line: rule.line };
  } else if (bundle.targets.size === 1) target = [...bundle.targets.values()][0];
  if (target) steps.push(...[...target.preFlow, ...(flowOf(target)?.steps ?? []), ...target.postFlow].filter(stepRuns));
  const enabled = steps.filter((s) => bundle.policies.get(s.policy)!.enabled);
  const firstFault = enabled.findIndex((s) => bundle.policies.get(s.policy)!.type === 'RaiseFault');
  const firstVerify = enabled.findIndex((s) => bundle.policies.get(s.policy)!.type === 'VerifyJWT');
  if (firstFault < 0) return { steps: enabled, ...(nullRoute ? { nullRoute } : {}) };
  return { steps: enabled.slice(0, firstFault + 1), fault: enabled[firstFault], faultAfterVerify: firstVerify >= 0 && firstVerify < firstFault };
}

function checksOf(type: string): PolicyCheck[] {
  if (type === 'VerifyJWT') return [...TOKEN_CHECKS];
  if (type === 'SpikeArrest' || type === 'Quota') return ['rate-limit'];
  if (type === 'AssignMessage') return ['authorization-forwarding', 'claim-headers'];
  if (type === 'RaiseFault') return ['claims', 'request-checks'];
  return ['request-checks'];
}

const child = (el: PolicyElement, name: string) => el.children.find((c) => c.name === name);

/** RaiseFault `<FaultResponse><Set><StatusCode>`. */
function faultStatus(p: ApigeeBundlePolicy): number | undefined {
  const set = child(p.element, 'FaultResponse');
  const code = set && [child(set, 'Set'), child(set, 'Copy')].map((s) => s && child(s, 'StatusCode')).find(Boolean);
  const n = Number(code?.text);
  return Number.isInteger(n) && n >= 100 ? n : undefined;
}

/**
 * SpikeArrest `<Rate>Nps|Npm</Rate>` and Quota `<Allow count>`, `<Interval>`, `<TimeUnit>`, keyed on
 * `<Identifier ref>`. Apigee's SpikeArrest smooths the rate (5ps is one request per 200 ms, per its
 * reference page), which the reference gateway's window counter does not: its verdicts are marked.
 */
function rateLimit(p: ApigeeBundlePolicy, afterVerify: boolean, verify: ApigeeBundlePolicy[], push: (d: PolicyDiagnostic) => void): NonNullable<GatewayConfigInput['rateLimits']>[string] | undefined {
  const el = p.element;
  let limit: number;
  let windowSeconds: number;
  if (p.type === 'SpikeArrest') {
    const rate = child(el, 'Rate');
    const m = rate && /^\s*(\d+)\s*(ps|pm)\s*$/.exec(rate.text);
    if (!m) return void push(notEmulated(p.file, rate?.line ?? el.line, `SpikeArrest "${p.name}": <Rate>${rate?.text ?? ''}</Rate> is not a literal rate such as 30pm; not emulated`, ['rate-limit']));
    limit = Number(m[1]);
    windowSeconds = m[2] === 'ps' ? 1 : 60;
    push(notEmulated(p.file, rate!.line, `SpikeArrest smooths ${rate!.text} to one request every ${(windowSeconds / limit).toFixed(3).replace(/\.?0+$/, '')} s; emulated as ${limit} requests per ${windowSeconds} s window`, ['rate-limit']));
  } else {
    const allow = child(el, 'Allow');
    const count = Number(allow?.attributes.count);
    const interval = Number(child(el, 'Interval')?.text || '1');
    const unit = TIME_UNITS[(child(el, 'TimeUnit')?.text ?? '').toLowerCase()];
    if (!Number.isInteger(count) || count < 1 || !(interval > 0) || !unit) return void push(notEmulated(p.file, el.line, `Quota "${p.name}": <Allow count>, <Interval> and <TimeUnit> are not all literal; not emulated`, ['rate-limit']));
    limit = count;
    windowSeconds = interval * unit;
    if (windowSeconds > 86_400) return void push(notEmulated(p.file, el.line, `Quota "${p.name}" counts over ${windowSeconds} s; the reference gateway's windows are at most a day`, ['rate-limit']));
    push(note(p.file, el.line, `Quota "${p.name}" is emulated as a sliding window of ${windowSeconds} s; Apigee's quota types (calendar, rollingwindow, flexi) start their windows differently`));
  }
  const ref = child(el, 'Identifier')?.attributes.ref;
  let key: string | undefined;
  if (ref === undefined) {
    push(notEmulated(p.file, el.line, `${p.type} "${p.name}" has no <Identifier>: Apigee counts all callers together; emulated per caller address`, ['rate-limit']));
    key = 'client_ip';
  } else if (/^(proxy\.)?client\.ip$/i.test(ref)) key = 'client_ip';
  else {
    const m = /^jwt\.([^.]+)\.(?:decoded\.)?claim\.([\w]+)$/.exec(ref);
    const claim = m && ({ subject: 'sub', issuer: 'iss' } as Record<string, string>)[m[2]] || m?.[2];
    if (m && claim && afterVerify && verify.some((v) => v.name === m[1]) && (IDENTITY_CLAIMS as readonly string[]).includes(claim)) key = claim;
  }
  if (!key) return void push(notEmulated(p.file, el.line, `${p.type} "${p.name}": <Identifier ref="${ref}"> is not emulated (the reference gateway keys limits on verified identity claims or the caller address)`, ['rate-limit']));
  return { key: [key as 'sub'], limit, windowSeconds };
}

/** Where VerifyAPIKey reads the key: `<APIKey ref="request.queryparam.NAME"/>` or `request.header.NAME`. */
function apiKeyLocation(p: ApigeeBundlePolicy, push: (d: PolicyDiagnostic) => void): { header: string; query: string } | undefined {
  const key = child(p.element, 'APIKey');
  const ref = key?.attributes.ref ?? '';
  const query = /^request\.queryparam\.([\w.-]+)$/i.exec(ref);
  const header = /^request\.header\.([\w-]+)$/i.exec(ref);
  if (query) {
    push(note(p.file, key!.line, `the key is read from the query parameter ${query[1]}; the emulation also takes it in the header ${query[1]}`));
    return { header: query[1], query: query[1] };
  }
  if (header) {
    push(note(p.file, key!.line, `the key is read from the header ${header[1]}; the emulation also takes it in the query parameter ${header[1]}`));
    return { header: header[1], query: header[1] };
  }
  push(notEmulated(p.file, key?.line ?? p.element.line, `VerifyAPIKey "${p.name}": <APIKey ref="${ref}"> is not a request header or query parameter; not emulated`, ['request-checks']));
  return undefined;
}

/**
 * AssignMessage on the request: headers removed, and headers set from a verified token's claim variable,
 * `{jwt.<VerifyJWT name>.claim.<claim>}` (or `.decoded.claim.`), as the VerifyJWT reference's "Flow
 * variables" section names them (cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy);
 * that naming was not re-read for this emulation. An empty `<Remove><Headers/>` removes every header.
 */
function assignMessage(p: ApigeeBundlePolicy, step: ApigeeStep, push: (d: PolicyDiagnostic) => void): { removesAuthorization: boolean; removed: string[]; claimHeaders: { name: string; value: string; variable: string[]; add: boolean; line: number }[] } {
  const out = { removesAuthorization: false, removed: [] as string[], claimHeaders: [] as { name: string; value: string; variable: string[]; add: boolean; line: number }[] };
  const assignTo = child(p.element, 'AssignTo');
  if (assignTo && (assignTo.attributes.createNew === 'true' || (assignTo.text && assignTo.text !== 'request') || (assignTo.attributes.type ?? 'request') !== 'request')) {
    push(note(p.file, assignTo.line, `AssignMessage "${p.name}" assigns to another message than the request; not emulated`));
    return out;
  }
  for (const c of p.element.children) {
    if (['DisplayName', 'Description', 'AssignTo', 'IgnoreUnresolvedVariables', 'Properties'].includes(c.name)) continue;
    if (c.name === 'Remove') {
      const headers = child(c, 'Headers');
      if (headers && headers.children.length === 0) {
        out.removesAuthorization = true;
        out.removed.push(...Object.values(CONTRACT_HEADERS));
      }
      for (const h of headers?.children ?? []) {
        const name = h.attributes.name ?? '';
        if (name.toLowerCase() === 'authorization') out.removesAuthorization = true;
        out.removed.push(name);
      }
      for (const other of c.children.filter((x) => x.name !== 'Headers')) push(note(p.file, other.line, `AssignMessage <Remove><${other.name}> is not emulated; it decides no check of the suite`));
      continue;
    }
    if (c.name === 'Set' || c.name === 'Add') {
      for (const part of c.children) {
        if (part.name !== 'Headers') {
          push(note(p.file, part.line, `AssignMessage <${c.name}><${part.name}> is not emulated; it decides no check of the suite`));
          continue;
        }
        for (const h of part.children) {
          const name = h.attributes.name ?? '';
          const m = /^\{jwt\.([^.]+)\.(?:decoded\.)?claim\.([\w]+)\}$/.exec(h.text.trim());
          if (name.toLowerCase() === 'authorization') {
            push(notEmulated(p.file, h.line, `AssignMessage <${c.name}> of Authorization changes what the backend receives; not emulated`, ['authorization-forwarding']));
          } else if (m) out.claimHeaders.push({ name, value: h.text, variable: [m[0], m[1], m[2]], add: c.name === 'Add', line: h.line });
          else push(note(p.file, h.line, `<Header name="${name}"> carries no token claim; not emulated (no effect on validation)`));
        }
      }
      continue;
    }
    push(note(p.file, c.line, `AssignMessage <${c.name}> is not emulated; it decides no check of the suite`));
  }
  void step;
  return out;
}

interface Refused {
  method: string;
  path: string;
  label: string;
  file: string;
  line: number;
}

/**
 * Routes in the order the reference gateway needs (first match wins): exact paths before prefixes,
 * longer prefixes first, a method's own route before the route for any other method (HEAD before GET,
 * since the gateway serves HEAD on a GET route); routes that say the same for every method become one.
 * A request Apigee answers with a fault but a route of the reference gateway takes is reported.
 */
function orderRoutes(routes: (Route & { order: number })[], refused: Refused[], push: (d: PolicyDiagnostic) => void): Route[] {
  const byPath = new Map<string, (Route & { order: number })[]>();
  for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const out: Route[] = [];
  const strip = ({ order: _o, ...route }: Route & { order: number }): Route => route;
  const same = (a: Route, b: Route) => JSON.stringify({ ...strip(a as Route & { order: number }), methods: [] }) === JSON.stringify({ ...strip(b as Route & { order: number }), methods: [] });
  for (const [, list] of byPath) {
    const any = list.find((r) => r.methods![0] === '*');
    const get = list.find((r) => r.methods![0] === 'GET');
    // HEAD stays its own route when GET has one that differs: the gateway would serve HEAD on it.
    const keep = (r: Route) => !any || !same(r, any) || (r.methods![0] === 'HEAD' && get !== undefined && !same(get, any));
    const specific = list.filter((r) => r.methods![0] !== '*' && keep(r));
    out.push(...specific.sort((a, b) => Number(b.methods![0] === 'HEAD') - Number(a.methods![0] === 'HEAD')).map(strip));
    if (any) out.push(strip(any));
  }
  const prefix = (r: Route) => r.path.endsWith('*');
  const rank = (r: Route) => (r.methods![0] === 'HEAD' ? 0 : r.methods![0] === '*' ? 2 : 1);
  const sorted = out.sort((a, b) => Number(prefix(a)) - Number(prefix(b)) || (prefix(a) ? b.path.length - a.path.length : 0) || rank(a) - rank(b));
  for (const x of refused) {
    const taker = sorted.find((r) => (r.methods!.includes(x.method) || r.methods!.includes('*') || (x.method === 'HEAD' && r.methods!.includes('GET'))) && (prefix(r) ? x.path.startsWith(r.path.slice(0, -1)) : x.path === r.path));
    if (!taker) continue;
    if (x.method === 'HEAD' && !taker.methods!.includes('HEAD') && !taker.methods!.includes('*')) {
      push(note(x.file, x.line, `${x.label}: Apigee answers it with this fault; the reference gateway serves HEAD on the GET route ${taker.path} (with its token check)`));
      continue;
    }
    push(notEmulated(x.file, x.line, `${x.label}: Apigee answers it with this fault, but the reference gateway's route ${taker.methods!.join(',')} ${taker.path} takes it`, ['request-checks']));
  }
  return sorted;
}
