import type { GatewayConfigInput } from '../config.ts';
import { emulateReadPolicy, type EmulateOptions, type Emulation } from './emulate-policy.ts';
import { note, type PolicyCheck, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_APIS, FLAG, SUBSCRIPTION_KEYS_NAME, type PolicyValues } from './policy-values.ts';
import { readApimFolder, type ApimFolder, type ApimOperation } from './read-apim-folder.ts';
import type { ApimPolicy, ApimValidateJwt } from './read-apim-policy.ts';
import { readParsedPolicy } from './read-policy.ts';

type Route = GatewayConfigInput['routes'][number];
type Requirement = NonNullable<Route['require']>;

const VALIDATES = new Set(['validate-jwt', 'validate-azure-ad-token']);
/** As emulate-policy writes a required claim without separator: split on nothing that occurs. */
const NO_SPLIT = '\u0000';

/**
 * An APIOps-extracted folder as one reference-gateway config: each operation's composed policy is
 * emulated as a single policy would be, then the operations become routes of one config. The
 * reference gateway validates tokens one way for all routes, so operations must agree on issuers,
 * audiences, keys and token rules; a required claim only some operations add (roles or scp at
 * operation scope) becomes that route's `require`. An operation whose scopes drop the API's token
 * validation (an inbound without `<base/>`) is served as APIM would serve it, without validation,
 * while `contract` keeps the validation the rest of the API has: the suite then shows what reaches
 * the backend through that operation.
 */
export async function emulateApimFolder(dir: string, options: Omit<EmulateOptions, 'file'>): Promise<Emulation> {
  const folder = await readApimFolder(dir);
  const diagnostics: PolicyDiagnostic[] = [...folder.diagnostics];
  const runs: { op: ApimOperation; emulation?: Emulation; forwardAuthorization: boolean }[] = [];
  const operationRules = new Map<ApimOperation, Set<string>>();
  for (const op of folder.operations) {
    const policy = readParsedPolicy(op.document, op.file, { values: options.values });
    // A composed document is a <policies> root, which readParsedPolicy always reads as APIM.
    if (policy.kind !== 'apim') throw new PolicyError('ERR_POLICY_INVALID', op.file, 1, 'not an APIM policy');
    // Claim rules the operation's own policy adds are that route's, whatever the other operations do.
    const own = policy.validations.filter((v) => v.file === op.operationFile).flatMap((v) => v.requiredClaims);
    operationRules.set(op, new Set(own.filter((c) => c.values.length > 0).map((c) => JSON.stringify({ claims: [c.name], values: c.values, match: c.match, separator: c.separator || NO_SPLIT }))));
    foldStackedValidations(policy, diagnostics);
    const validates = policy.validations.length > 0 || policy.chooses.some((c) => c.validates);
    const dropped = op.drops.some((d) => d.dropped.some(containsValidation));
    const forwardAuthorization = !policy.setHeaders.some((h) => h.section === 'inbound' && h.name.toLowerCase() === 'authorization' && h.existsAction === 'delete');
    if (!validates && dropped) {
      runs.push({ op, forwardAuthorization });
      continue;
    }
    runs.push({ op, emulation: await emulateReadPolicy(policy, { ...options, file: op.file, operation: { method: op.method, route: op.route } }), forwardAuthorization });
  }
  const validated = runs.filter((r) => r.emulation);
  if (validated.length === 0) {
    const first = runs[0].op;
    const drop = first.drops.find((d) => d.dropped.some(containsValidation))!;
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', drop.file, drop.line, `no operation validates tokens: this <inbound> has no <base />, so the token validation of the enclosing scopes never runs`);
  }

  // What every route shares: the reference config has one token validation.
  const shared = (e: Emulation) => {
    const { routes: _routes, upstream: _upstream, listen: _listen, rateLimits: _rateLimits, token, ...rest } = e.config;
    return { ...rest, token: { ...token, claimValues: undefined } };
  };
  const [first, ...others] = validated;
  const base = JSON.stringify(shared(first.emulation!));
  for (const r of others) {
    if (JSON.stringify(shared(r.emulation!)) === base) continue;
    const a = shared(first.emulation!) as Record<string, unknown>;
    const b = shared(r.emulation!) as Record<string, unknown>;
    const differ = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    const v = validationOf(r.emulation!);
    throw new PolicyError(
      'ERR_POLICY_NOT_EMULABLE',
      v.file,
      v.line,
      `operation ${r.op.id} validates tokens differently from ${first.op.id} (${validationOf(first.emulation!).file}:${validationOf(first.emulation!).line}) in ${differ.join(', ')}: the reference gateway validates every route of one target alike; test these operations as separate folders`,
    );
  }
  const rateLimited = validated.filter((r) => r.emulation!.config.rateLimits);
  const limits = new Set(rateLimited.map((r) => JSON.stringify(r.emulation!.config.rateLimits)));
  if (limits.size > 1) {
    const v = validationOf(rateLimited[1].emulation!);
    throw new PolicyError('ERR_POLICY_NOT_EMULABLE', v.file, v.line, `operations ${rateLimited[0].op.id} and ${rateLimited[1].op.id} rate-limit differently: the emulation has one rate limit per target`);
  }

  // Token-wide claim rules all operations have stay token-wide; the rest become the route's requirement.
  const rulesOf = (e: Emulation) => (e.config.token?.claimValues ?? []).map((c) => JSON.stringify(c));
  const common = rulesOf(first.emulation!).filter((c) => validated.every((r) => rulesOf(r.emulation!).includes(c) && !operationRules.get(r.op)!.has(c)));
  const requirements = new Map<ApimOperation, Requirement>();
  for (const r of validated) {
    const own = rulesOf(r.emulation!).filter((c) => !common.includes(c));
    const v = validationOf(r.emulation!);
    // What the operation's <choose> requires (emulate-choose): one more rule of the route's.
    const chosen = r.emulation!.config.routes[0]?.require;
    if (chosen && !own.includes(JSON.stringify(chosen))) own.push(JSON.stringify(chosen));
    if (own.length > 1) {
      throw new PolicyError('ERR_POLICY_NOT_EMULABLE', v.file, v.line, `operation ${r.op.id} requires ${own.length} claim rules the other operations do not: the reference gateway gives a route one requirement`);
    }
    if (own.length === 1) {
      requirements.set(r.op, JSON.parse(own[0]) as Requirement);
      if (own[0] !== JSON.stringify(chosen)) diagnostics.push(note(v.file, v.line, `operation ${r.op.id}'s required claim is emulated as the requirement of route ${r.op.method} ${r.op.route}: refused with 403 insufficient_scope, where APIM answers with failed-validation-httpcode (401 by default)`));
    }
  }

  const keyed = emulateSubscriptions(folder, options.values, diagnostics);
  const servedAuth = (r: (typeof runs)[number]) => (r.emulation ? (r.emulation.config.routes[0]?.auth ?? 'required') : 'anonymous');
  const route = (r: (typeof runs)[number], auth: 'required' | 'anonymous'): Route => ({
    path: r.op.route,
    methods: [r.op.method],
    auth,
    forwardAuthorization: r.forwardAuthorization,
    ...(requirements.has(r.op) && auth === 'required' ? { require: requirements.get(r.op) } : {}),
    ...(r.emulation?.config.rateLimits && r.emulation.config.routes[0]?.rateLimit ? { rateLimit: 'policy' } : {}),
    ...(keyed.products.has(r.op.api) ? { product: r.op.api } : {}),
  });
  const served: Route[] = [];
  const promised: Route[] = [];
  for (const r of runs) {
    if (!r.emulation) {
      const drop = r.op.drops.find((d) => d.dropped.some(containsValidation))!;
      diagnostics.push(note(drop.file, drop.line, `<inbound> without <base />: operation ${r.op.id} (${r.op.method} ${r.op.path}) runs none of the enclosing scopes' inbound policies, token validation included; emulated as APIM runs it, unvalidated, and judged against the API's validation`));
    }
    if (r.emulation && servedAuth(r) === 'anonymous') {
      const c = (r.emulation.policy.kind === 'apim' ? r.emulation.policy.chooses[0] : undefined) ?? { file: r.op.file, line: 1 };
      diagnostics.push(note(c.file, c.line, `the <choose> lets operation ${r.op.id} (${r.op.method} ${r.op.path}) through without any token validation; emulated as APIM runs it, unvalidated, and judged against the API's validation`));
    }
    served.push(route(r, servedAuth(r)));
    promised.push(route(r, 'required'));
  }
  const config: GatewayConfigInput = { ...first.emulation!.config, routes: order(served, runs), token: { ...first.emulation!.config.token, claimValues: common.map((c) => JSON.parse(c) as Requirement) } };
  if (rateLimited.length > 0) config.rateLimits = rateLimited[0].emulation!.config.rateLimits;
  if (keyed.subscriptions) config.subscriptions = keyed.subscriptions;
  if (config.token && config.token.claimValues?.length === 0) delete config.token.claimValues;
  const contract: GatewayConfigInput = { ...config, routes: order(promised, runs) };

  for (const r of validated) for (const d of r.emulation!.diagnostics) pushOnce(diagnostics, d);
  const checks = new Set<PolicyCheck>();
  for (const d of diagnostics) for (const c of d.checks ?? []) checks.add(c);
  return { kind: 'apim', policy: first.emulation!.policy, config, contract, diagnostics, notEmulated: [...checks].sort() };
}

const DEFAULT_KEY_HEADER = 'Ocp-Apim-Subscription-Key';
const DEFAULT_KEY_QUERY = 'subscription-key';
const SUBSCRIPTIONS_PAGE = 'https://learn.microsoft.com/azure/api-management/api-management-subscriptions';

/**
 * Subscription keys, as APIM checks them before any policy runs (Learn, "Subscriptions in Azure API
 * Management", SUBSCRIPTIONS_PAGE): an API whose `subscriptionRequired` is true takes a key of a
 * subscription for a product holding it, for all APIs, or for the API itself, from the header
 * `Ocp-Apim-Subscription-Key` or the query parameter `subscription-key` unless
 * `subscriptionKeyParameterNames` renames them (the default names: Learn training "Secure APIs by using
 * subscriptions", https://learn.microsoft.com/training/modules/explore-api-management/6-secure-access-api-subscriptions,
 * which also says a call without a key gets 401 Access Denied); a request without one, or with another,
 * is refused with 401 ("Access denied due to missing subscription key" / "… invalid subscription key", as
 * https://learn.microsoft.com/troubleshoot/azure/api-mgmt/availability/unauthorized-errors-invoke-apis
 * quotes the gateway). An extract holds no subscriptions, so the keys come from the values file.
 *
 * Decided, and said so in notes where it matters:
 * - `subscriptionRequired` not written in apiInformation.json counts as true, as for an API created in
 *   the portal, where "Subscription required" starts checked. Not verified on Learn: neither that nor the
 *   REST property's default was found in the stored pages. The keyed reading is the one that keeps the
 *   emulation from serving keyless calls a real instance would refuse, and the suite sends the key, so
 *   it costs a correct folder no verdict.
 * - An API in an open product (the product's `subscriptionRequired` false) is callable without a key,
 *   even where the API requires one: the more permissive reading. Said by PSRule for Azure's rule
 *   Azure.APIM.ProductApproval (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ProductApproval);
 *   the subscriptions page's table of requests with and without keys was not found in the stored Learn
 *   pages, so this is not verified on Learn.
 * - API-scoped subscriptions are not read from the values file (product and all-APIs keys only).
 * - An API without apiInformation.json: its requirement is unknown; emulated as requiring no key.
 * The reference gateway reads one header and one query name for all routes: APIs naming different ones
 * cannot be emulated as one target. Each route of a keyed API takes every key of the scopes that can
 * reach it (its products, all-apis), as one reference-gateway product named after the API.
 */
function emulateSubscriptions(folder: ApimFolder, values: PolicyValues | undefined, diagnostics: PolicyDiagnostic[]): { products: Set<string>; subscriptions?: GatewayConfigInput['subscriptions'] } {
  const scopes = values?.subscriptionKeys?.scopes ?? new Map<string, { keys: string[]; line: number }>();
  const productNames = new Set(folder.apis.flatMap((a) => a.products.map((p) => p.name)));
  for (const [scope, { line }] of scopes) {
    if (scope !== ALL_APIS && !productNames.has(scope)) {
      throw new PolicyError('ERR_POLICY_VALUES', values!.file, line, `${SUBSCRIPTION_KEYS_NAME} names ${scope}, which is no product holding an API in ${folder.dir} (products: ${[...productNames].join(', ') || 'none'}); name a products/<p> folder, or ${ALL_APIS}`);
    }
  }
  const products = new Set<string>();
  const entries: { name: string; keys: string[] }[] = [];
  let where: { header: string; query: string; api: string } | undefined;
  for (const a of folder.apis) {
    if (!a.infoFile) {
      if (folder.operations.some((o) => o.api === a.api)) diagnostics.push(note(join(folder.dir, 'apis', a.api), 0, `API ${a.api} has no apiInformation.json: whether it requires a subscription key is unknown; emulated as requiring none`));
      continue;
    }
    const line = lineOf(a.infoFile, '"subscriptionRequired"');
    if (a.required === false) continue;
    if (a.required === undefined) diagnostics.push(note(a.infoFile, line, `subscriptionRequired is not written: emulated as true, as for an API created in the portal (the key is then sent by the suite; write subscriptionRequired to say otherwise)`));
    const open = a.products.find((p) => p.required === false);
    if (open) {
      diagnostics.push(note(open.file, lineOf(open.file, '"subscriptionRequired"'), `API ${a.api} is in the open product ${open.name} (subscriptionRequired false): callable without a subscription key, so emulated as requiring none (${SUBSCRIPTIONS_PAGE})`));
      continue;
    }
    const reaching = [...a.products.map((p) => p.name), ALL_APIS].filter((s) => scopes.has(s));
    if (reaching.length === 0) {
      const fix = `${SUBSCRIPTION_KEYS_NAME}: { ${a.products[0]?.name ?? ALL_APIS}: [KEY, …] }`;
      const inFile = values ? `${values.file} has no keys for ${[...a.products.map((p) => `product ${p.name}`), ALL_APIS].join(' or ')}: add ${fix}` : `give them with ${FLAG} FILE, a YAML file with ${fix}`;
      throw new PolicyError('ERR_POLICY_UNRESOLVED', a.infoFile, line, `API ${a.api} requires a subscription key, and an APIOps extract holds no subscriptions; ${inFile}`);
    }
    const header = a.header ?? DEFAULT_KEY_HEADER;
    const query = a.query ?? DEFAULT_KEY_QUERY;
    if (where && (where.header.toLowerCase() !== header.toLowerCase() || where.query !== query)) {
      throw new PolicyError('ERR_POLICY_NOT_EMULABLE', a.infoFile, lineOf(a.infoFile, '"subscriptionKeyParameterNames"'), `API ${a.api} takes its subscription key as ${header} / ?${query}, API ${where.api} as ${where.header} / ?${where.query}: the reference gateway reads one header and one query parameter; test these APIs as separate folders`);
    }
    where ??= { header, query, api: a.api };
    products.add(a.api);
    entries.push({ name: a.api, keys: [...new Set(reaching.flatMap((s) => scopes.get(s)!.keys))] });
    const withPolicy = a.products.find((p) => existsSync(join(folder.dir, 'products', p.name, 'policy.xml')));
    if (withPolicy && reaching.includes(ALL_APIS)) {
      diagnostics.push(note(a.infoFile, line, `a request with an ${ALL_APIS} key skips product ${withPolicy.name}'s policy in APIM (${SUBSCRIPTIONS_PAGE}: product-scope policies are not applied to all-APIs subscriptions); emulated as running it for every key`));
    }
    diagnostics.push(note(a.infoFile, line, `API ${a.api} requires a subscription key (${header} header or ${query} query parameter): emulated with the keys of ${reaching.join(', ')} in ${values!.file} (${SUBSCRIPTION_KEYS_NAME}); a missing or wrong key is refused with 401, as APIM does; the suite sends one of them as a subscribed client would`));
  }
  if (entries.length === 0) return { products };
  return { products, subscriptions: { header: where!.header, query: where!.query, products: entries } };
}

/** The 1-based line of the first occurrence of `needle` in a small JSON file, else 1. */
function lineOf(file: string, needle: string): number {
  const at = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  return at < 0 ? 1 : at + 1;
}

function containsValidation(el: { name: string; children: { name: string; children: unknown[] }[] }): boolean {
  return VALIDATES.has(el.name) || el.children.some((c) => containsValidation(c as Parameters<typeof containsValidation>[0]));
}

function validationOf(e: Emulation): { file: string; line: number } {
  const p = e.policy;
  if (p.kind !== 'apim') return { file: p.file, line: p.line };
  const v = p.validations[0];
  return v ? { file: v.file, line: v.line } : { file: p.file, line: 1 };
}

function pushOnce(list: PolicyDiagnostic[], d: PolicyDiagnostic): void {
  if (!list.some((x) => x.file === d.file && x.line === d.line && x.message === d.message)) list.push(d);
}

/**
 * Exact paths before prefixes, longer prefixes first, so the most specific route decides; two
 * operations on one method and route pattern (`/orders/{id}` and `/orders/{id}/items` are both
 * `/orders/*`) must be emulated alike.
 */
function order(routes: Route[], runs: { op: ApimOperation }[]): Route[] {
  const seen = new Map<string, { route: Route; op: ApimOperation }>();
  const out: Route[] = [];
  routes.forEach((r, i) => {
    const key = `${r.methods![0]} ${r.path}`;
    const before = seen.get(key);
    if (before) {
      if (JSON.stringify(before.route) !== JSON.stringify(r)) {
        const op = runs[i].op;
        throw new PolicyError('ERR_POLICY_NOT_EMULABLE', op.specFile, op.specLine, `${op.method} ${op.path} and ${before.op.method} ${before.op.path} are both route ${r.path} for the reference gateway, but their policies differ; gatecheck cannot tell their requests apart`);
      }
      return;
    }
    seen.set(key, { route: r, op: runs[i].op });
    out.push(r);
  });
  const prefix = (r: Route) => r.path.endsWith('*');
  return out.sort((a, b) => Number(prefix(a)) - Number(prefix(b)) || (prefix(a) ? b.path.length - a.path.length : 0));
}

/**
 * The usual per-operation authorization: the API's validate-jwt (through `<base/>`) and then the
 * operation's own, with the same keys, issuers and audiences (or none, which adds no check) plus the
 * roles or scopes that operation needs. APIM runs both and a token must pass both, which is the first
 * with the second's required claims added: folded so, since the emulation runs one validation. A second
 * validation that differs in anything else stays as it is (and is reported as not emulated).
 */
function foldStackedValidations(policy: ApimPolicy, diagnostics: PolicyDiagnostic[]): void {
  const [first, ...rest] = policy.validations;
  if (!first || first.kind !== 'validate-jwt') return;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const settings = (v: ApimValidateJwt) => ({
    headerName: v.headerName,
    queryParameterName: v.queryParameterName,
    tokenValue: v.tokenValue,
    requireExpirationTime: v.requireExpirationTime,
    requireScheme: v.requireScheme,
    requireSignedTokens: v.requireSignedTokens,
    clockSkew: v.clockSkew,
    openidConfigs: v.openidConfigs.map((o) => o.url),
    signingKeys: v.signingKeys.map(({ line: _l, ...k }) => k),
    decryptionKeys: v.decryptionKeys.map(({ line: _l, ...k }) => k),
  });
  const kept: ApimPolicy['validations'] = [first];
  for (const v of rest) {
    const folds = v.kind === 'validate-jwt' && v.failedStatus === first.failedStatus && same(settings(v), settings(first)) && (v.issuers === null || same(v.issuers, first.issuers)) && (v.audiences === null || same(v.audiences, first.audiences));
    if (!folds) {
      kept.push(v);
      continue;
    }
    if (v.kind !== 'validate-jwt') continue;
    first.requiredClaims.push(...v.requiredClaims);
    diagnostics.push(note(v.file, v.line, `this <validate-jwt> checks what the one at ${first.file}:${first.line} checks, plus its required claims: emulated as one validation requiring both`));
  }
  policy.validations = kept;
}
