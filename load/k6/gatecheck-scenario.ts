// A gatecheck load scenario for k6 (`k6 run load/k6/gatecheck-scenario.ts -e GATECHECK_PLAN=/path/plan.json`).
// It reads only the generated plan.json and its token pool files (`gatecheck load --engine k6` writes
// them) and imports nothing from the project, so the same files run under k6-operator on Kubernetes.
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import type { Options, Scenario as K6Scenario } from 'k6/options';

// The plan's shape, restated here on purpose: k6 scripts never import project code.
interface PlanEvent {
  action: 'rotate-keys' | 'jwks-fault';
  at: number;
  for?: number;
  kind?: string;
  tenant: string;
}
interface Plan {
  format: 'gatecheck-load-plan/1';
  targetUrl: string;
  control?: { idpUrl: string; adminToken?: string };
  scenario: {
    name: string;
    path: string;
    durationSeconds: number;
    load: { model: 'open'; rate: number; connections: number; maxInFlight: number } | { model: 'closed'; connections: number };
    events: PlanEvent[];
    thresholds: { p99Ms?: number; maxErrorRate: number };
    saturation?: { startRate: number; factor: number; stepSeconds: number; maxSteps: number; p99Ms: number };
  };
  pools: Array<{ name: string; variant: string; expect: 'accept' | 'reject' | 'either'; weight: number; file: string }>;
}

const PLAN_FILE = __ENV.GATECHECK_PLAN || './plan.json';
const PLAN_DIR = PLAN_FILE.includes('/') ? PLAN_FILE.slice(0, PLAN_FILE.lastIndexOf('/') + 1) : './';
const plan: Plan = JSON.parse(open(PLAN_FILE));
const scenario = plan.scenario;

// SharedArray: one copy of each pool for all VUs instead of one per VU.
const pools = plan.pools.map((p) => ({
  ...p,
  headers: new SharedArray(`pool-${p.name}`, () => (JSON.parse(open(PLAN_DIR + p.file)) as { tokens: string[] }).tokens.map((t) => `Bearer ${t}`)),
}));

/** Smooth weighted round robin, the same order the embedded engine uses. */
function weightedOrder(weights: number[]): number[] {
  if (weights.length === 0) return [-1];
  const total = weights.reduce((a, b) => a + b, 0);
  const length = Math.min(10_000, Math.max(weights.length, Math.round(total / Math.min(...weights)) * 10));
  const current = weights.map(() => 0);
  const order: number[] = [];
  for (let n = 0; n < length; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    order.push(best);
  }
  return order;
}
const order = weightedOrder(pools.map((p) => p.weight));
// Each pool's own sequence number, derived from the global iteration number so every VU agrees:
// the n-th request of a pool sends its (n mod size)-th token, as the embedded engine does.
const perCycle = pools.map((_, i) => order.filter((o) => o === i).length);
const rank = order.map((pool, i) => order.slice(0, i).filter((o) => o === pool).length);

export const validRefused = new Counter('gatecheck_valid_refused');
export const badAccepted = new Counter('gatecheck_bad_accepted');
export const errors = new Rate('gatecheck_errors');

const seconds = (s: number) => `${Math.max(0, Math.round(s * 1000))}ms`;

function loadScenario(): K6Scenario {
  const load = scenario.load;
  const sat = scenario.saturation;
  if (sat && load.model === 'open') {
    const stages = [];
    for (let k = 0; k < sat.maxSteps; k++) {
      const rate = Math.round(sat.startRate * sat.factor ** k);
      stages.push({ target: rate, duration: '1s' }, { target: rate, duration: seconds(sat.stepSeconds - 1) });
    }
    return { executor: 'ramping-arrival-rate', exec: 'request', startRate: sat.startRate, timeUnit: '1s', preAllocatedVUs: load.connections, maxVUs: Math.min(load.maxInFlight, 2000), stages };
  }
  if (load.model === 'open') {
    return { executor: 'constant-arrival-rate', exec: 'request', rate: load.rate, timeUnit: '1s', duration: seconds(scenario.durationSeconds), preAllocatedVUs: load.connections, maxVUs: Math.min(load.maxInFlight, 2000) };
  }
  return { executor: 'constant-vus', exec: 'request', vus: load.connections, duration: seconds(scenario.durationSeconds) };
}

function thresholds(): NonNullable<Options['thresholds']> {
  const t: NonNullable<Options['thresholds']> = {
    gatecheck_errors: [`rate<=${scenario.thresholds.maxErrorRate}`],
  };
  if (scenario.thresholds.maxErrorRate === 0) {
    t.gatecheck_valid_refused = ['count==0'];
    t.gatecheck_bad_accepted = ['count==0'];
  }
  if (scenario.saturation) {
    // k6 cannot report "the last sustained step": it aborts when p99 breaks, and the rate reached then is the answer.
    t['http_req_duration{scenario:load}'] = [{ threshold: `p(99)<${scenario.saturation.p99Ms}`, abortOnFail: true, delayAbortEval: seconds(scenario.saturation.stepSeconds) }];
  } else if (scenario.thresholds.p99Ms !== undefined) {
    t['http_req_duration{scenario:load}'] = [`p(99)<${scenario.thresholds.p99Ms}`];
  }
  return t;
}

const eventScenarios: Record<string, K6Scenario> = {};
scenario.events.forEach((e, i) => {
  eventScenarios[`event_${i}`] = { executor: 'shared-iterations', exec: 'controlEvent', vus: 1, iterations: 1, startTime: seconds(e.at * scenario.durationSeconds), maxDuration: '10s' };
});

export const options: Options = {
  scenarios: { load: loadScenario(), ...eventScenarios },
  thresholds: thresholds(),
  // Keep-alive connections as the embedded engine uses; a token must never be reused as a cookie jar key.
  noCookiesReset: true,
  discardResponseBodies: true,
  summaryTrendStats: ['min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
};

type Cls = 'accepted' | 'refused' | 'throttled' | 'server-error' | 'transport-error';
function classify(status: number): Cls {
  if (status === 0) return 'transport-error';
  if (status < 400) return 'accepted';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server-error';
  return 'refused';
}

const url = plan.targetUrl + scenario.path;

/** One request: a token from the next pool in weighted order, graded against the pool's expectation. */
export function request(): void {
  const n = exec.scenario.iterationInTest;
  const index = order[n % order.length];
  const pool = index >= 0 ? pools[index] : undefined;
  const seq = Math.floor(n / order.length) * (index >= 0 ? perCycle[index] : 0) + rank[n % order.length];
  const params = pool ? { headers: { Authorization: pool.headers[seq % pool.headers.length] }, tags: { pool: pool.name } } : { tags: { pool: 'none' } };
  const res = http.get(url, params);
  const cls = classify(res.status);
  const expect = pool ? pool.expect : 'accept';
  const refusedValid = expect === 'accept' && cls === 'refused';
  const acceptedBad = expect === 'reject' && cls === 'accepted';
  if (refusedValid) validRefused.add(1);
  if (acceptedBad) badAccepted.add(1);
  errors.add(refusedValid || acceptedBad || cls === 'server-error' || cls === 'transport-error');
  check(res, { 'outcome as the token deserves': () => !refusedValid && !acceptedBad });
}

/** A scenario event (key rotation, JWKS fault) through the mock IdP's control API. */
export function controlEvent(): void {
  const event = scenario.events[Number(exec.scenario.name.split('_')[1])];
  if (!plan.control) throw new Error('the plan has no mock IdP control API for scenario events');
  const base = `${plan.control.idpUrl}/_admin/tenants/${encodeURIComponent(event.tenant)}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (plan.control.adminToken) headers.Authorization = `Bearer ${plan.control.adminToken}`;
  const res =
    event.action === 'rotate-keys'
      ? http.post(`${base}/keys/rotate`, '{}', { headers })
      : http.put(`${base}/faults/jwks`, JSON.stringify({ kind: event.kind, forSeconds: Math.round((event.for ?? 0) * scenario.durationSeconds * 1000) / 1000 }), { headers });
  check(res, { [`${event.action} applied`]: (r) => r.status >= 200 && r.status < 300 });
}

export default request;

interface SummaryData {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

/**
 * Machine-readable summary in a file, and a short one on stdout (returning handleSummary replaces
 * k6's own end-of-test text; jslib's textSummary would need a remote import).
 */
export function handleSummary(data: unknown): Record<string, string> {
  const m = (data as SummaryData).metrics ?? {};
  const v = (name: string, stat: string) => m[name]?.values[stat] ?? 0;
  const lines = [
    `gatecheck ${scenario.name} → ${url}`,
    `  requests ${v('http_reqs', 'count')} (${v('http_reqs', 'rate').toFixed(1)}/s), dropped iterations ${v('dropped_iterations', 'count')}`,
    `  latency p50 ${v('http_req_duration', 'med').toFixed(2)} ms, p99 ${v('http_req_duration', 'p(99)').toFixed(2)} ms, max ${v('http_req_duration', 'max').toFixed(2)} ms`,
    `  valid refused ${v('gatecheck_valid_refused', 'count')}, bad accepted ${v('gatecheck_bad_accepted', 'count')}, error rate ${v('gatecheck_errors', 'rate').toFixed(6)}`,
  ];
  return { stdout: `${lines.join('\n')}\n`, [__ENV.GATECHECK_SUMMARY || 'k6-summary.json']: JSON.stringify(data, null, 2) };
}
