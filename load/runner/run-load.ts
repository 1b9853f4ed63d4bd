import { build, type Histogram } from 'hdr-histogram-js';
import { Pool, request, type Dispatcher } from 'undici';
import { UpstreamClient } from '../../gateway-under-test/index.ts';
import type { LoadModel, Scenario, ScenarioEvent } from '../scenarios/scenario-schema.ts';
import type { LoadPool } from './load-plan.ts';
import {
  ERROR_OUTCOMES,
  OUTCOMES,
  type EventRecord,
  type LatencySummary,
  type LoadResult,
  type Outcome,
  type PoolCounts,
  type ResponseClass,
  type TimelinePoint,
} from './load-result.ts';

export interface LoadProgress {
  elapsedSeconds: number;
  durationSeconds: number;
  completed: number;
  errors: number;
  /** Completions in the last second. */
  lastSecondRate: number;
}

export interface RunLoadOptions {
  /** Target base URL (http://127.0.0.1:PORT). */
  url: string;
  scenario: Scenario;
  pools: LoadPool[];
  /** The mock IdP the scenario's events drive over its control API. */
  control?: { idpUrl: string; adminToken?: string };
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

// One hour in µs: anything slower is recorded as one hour rather than thrown away.
const HIGHEST_US = 3_600_000_000;
const newHistogram = (digits: 2 | 3 = 3): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: digits, autoResize: false });

function classify(status: number): ResponseClass {
  if (status < 400) return 'accepted';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server-error';
  return 'refused';
}

function grade(expect: LoadPool['expect'], cls: ResponseClass): Outcome {
  if (cls === 'accepted') return expect === 'reject' ? 'bad-accepted' : expect === 'either' ? 'ungraded' : 'ok';
  if (cls === 'refused') return expect === 'accept' ? 'valid-refused' : expect === 'either' ? 'ungraded' : 'ok';
  return cls;
}

/**
 * A percentile no higher than the largest value recorded: HDR reports the top of the value's
 * bucket, which can exceed the true maximum and would print p99.9 above max.
 */
function percentileUs(h: Histogram, percentile: number): number {
  return Math.min(h.getValueAtPercentile(percentile), h.maxValue);
}

function summarize(h: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  if (h.totalCount === 0) return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  return {
    count: h.totalCount,
    minMs: ms(h.minNonZeroValue),
    meanMs: ms(h.mean),
    p50Ms: ms(percentileUs(h, 50)),
    p90Ms: ms(percentileUs(h, 90)),
    p99Ms: ms(percentileUs(h, 99)),
    p999Ms: ms(percentileUs(h, 99.9)),
    maxMs: ms(h.maxValue),
  };
}

/** How long answers still outstanding when the run ends may take before they count as transport errors. */
const OUTSTANDING_GRACE_MS = 10_000;

const PERCENTILE_TICKS = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

/**
 * Weighted round robin (smooth, as nginx does it): a fixed, repeatable order in which each pool
 * appears in proportion to its weight, without random draws on the hot path.
 */
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

/**
 * The embedded engine: one scenario against one target for the scenario's duration, open model
 * (constant arrival rate, latency from the intended send time, so a stalled target cannot hide its
 * stall by slowing the client down) or closed model (connections that wait for each answer).
 */
export async function runLoad(options: RunLoadOptions): Promise<LoadResult> {
  const { scenario, pools } = options;
  const load: LoadModel = scenario.load;
  const durationMs = scenario.durationSeconds * 1000;
  const connections = load.connections;
  // Plain HTTP goes through the reference gateway's own client: undici's per-request objects made the
  // engine the bottleneck against a fast target. TLS targets keep undici.
  const dispatcher =
    new URL(options.url).protocol === 'http:'
      ? UpstreamClient.forOrigin(options.url, { connections, keepAliveTimeoutMs: 30_000 })
      : new Pool(options.url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });

  // Flat [name, value] arrays built once: both clients send them as they are instead of walking an object per request.
  const headers = pools.map((p) => p.tokens.map((t) => ['authorization', `Bearer ${t}`]));
  const noAuth: string[] = [];
  const order = weightedOrder(pools.map((p) => p.weight));
  const nextToken = pools.map(() => 0);
  const poolCounts: PoolCounts[] = pools.map((p) => ({ name: p.name, variant: p.variant, expect: p.expect, tokens: p.tokens.length, sent: 0, accepted: 0, refused: 0, other: 0 }));

  const corrected = newHistogram();
  const service = newHistogram();
  const interval = newHistogram(2);
  const statuses: Record<string, number> = {};
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const transportErrors: Record<string, number> = {};
  const timeline: TimelinePoint[] = [];
  let intervalRequests = 0;
  let intervalErrors = 0;
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let inFlight = 0;

  const started = performance.now();
  const startedAt = new Date().toISOString();
  // The timeline's intervals end on whole seconds before the scheduled end; the last one runs from
  // there to the real end (answers still in flight included), so it is rarely a whole second long
  // and carries its length for the charts to turn its count into a rate.
  let intervalStartMs = 0;
  let nextBoundaryMs = 1000;
  const closeInterval = (endMs: number) => {
    timeline.push({
      second: Math.round(endMs) / 1000,
      spanSeconds: Math.round(endMs - intervalStartMs) / 1000,
      requests: intervalRequests,
      errors: intervalErrors,
      p50Ms: interval.totalCount ? percentileUs(interval, 50) / 1000 : 0,
      p99Ms: interval.totalCount ? percentileUs(interval, 99) / 1000 : 0,
      maxMs: interval.totalCount ? interval.maxValue / 1000 : 0,
    });
    interval.reset();
    intervalRequests = 0;
    intervalErrors = 0;
    intervalStartMs = endMs;
  };
  const advanceTo = (elapsedMs: number) => {
    for (; elapsedMs >= nextBoundaryMs && nextBoundaryMs < durationMs; nextBoundaryMs += 1000) closeInterval(nextBoundaryMs);
  };

  const record = (pool: number, intendedAt: number, sentAt: number, status: number, error?: Error) => {
    const now = performance.now();
    advanceTo(now - started);
    const us = Math.max(1, Math.min(HIGHEST_US, Math.round((now - intendedAt) * 1000)));
    corrected.recordValue(us);
    interval.recordValue(us);
    if (intendedAt !== sentAt) service.recordValue(Math.max(1, Math.min(HIGHEST_US, Math.round((now - sentAt) * 1000))));
    const cls: ResponseClass = error ? 'transport-error' : classify(status);
    if (error) {
      const key = (error as NodeJS.ErrnoException).code ?? error.message;
      transportErrors[key] = (transportErrors[key] ?? 0) + 1;
    } else {
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const outcome = pool < 0 ? (cls === 'accepted' ? 'ok' : cls === 'refused' ? 'valid-refused' : cls) : grade(pools[pool].expect, cls);
    outcomes[outcome]++;
    if (pool >= 0) {
      const c = poolCounts[pool];
      if (cls === 'accepted') c.accepted++;
      else if (cls === 'refused') c.refused++;
      else c.other++;
    }
    if (ERROR_OUTCOMES.includes(outcome)) {
      errors++;
      intervalErrors++;
    }
    completed++;
    intervalRequests++;
  };

  let sequence = 0;
  /**
   * One request through a dispatch-handler client (the gateway's for http:, undici for https:) with a
   * handler that only keeps the status: no
   * response stream or promise per request, which is most of a client's cost per request in Node.
   */
  const send = (intendedAt: number, done: () => void): void => {
    const pool = order[sequence++ % order.length];
    let h: string[] = noAuth;
    if (pool >= 0) {
      const list = headers[pool];
      h = list[nextToken[pool]++ % list.length];
      poolCounts[pool].sent++;
    }
    sent++;
    inFlight++;
    const exchange = new Exchange(pool, intendedAt, performance.now(), done);
    try {
      dispatcher.dispatch({ path: scenario.path, method: 'GET', headers: h }, exchange);
    } catch (error) {
      // Refused before anything was sent (a closed pool): answer on the next turn, so a closed-model
      // connection cannot spin on synchronous failures.
      setImmediate(() => exchange.onResponseError(null, error as Error));
    }
  };

  class Exchange implements Dispatcher.DispatchHandler {
    status = 0;
    settled = false;
    readonly pool: number;
    readonly intendedAt: number;
    readonly sentAt: number;
    readonly done: () => void;
    constructor(pool: number, intendedAt: number, sentAt: number, done: () => void) {
      this.pool = pool;
      this.intendedAt = intendedAt;
      this.sentAt = sentAt;
      this.done = done;
    }
    onRequestStart(): void {}
    onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
      this.status = statusCode;
    }
    onResponseData(): void {}
    onResponseEnd(): void {
      this.settle(undefined);
    }
    onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
      this.settle(error);
    }
    settle(error: Error | undefined): void {
      if (this.settled) return;
      this.settled = true;
      inFlight--;
      record(this.pool, this.intendedAt, this.sentAt, error ? 0 : this.status, error);
      this.done();
    }
  }

  const events: EventRecord[] = [];
  const eventCalls: Promise<void>[] = [];
  const eventTimers = scenario.events.map((event) =>
    setTimeout(() => eventCalls.push(applyEvent(event, options.control, started, scenario.durationSeconds).then((r) => void events.push(r))), event.at * durationMs),
  );

  let lastCompleted = 0;
  const progressTimer = options.onProgress
    ? setInterval(() => {
        options.onProgress!({ elapsedSeconds: (performance.now() - started) / 1000, durationSeconds: scenario.durationSeconds, completed, errors, lastSecondRate: completed - lastCompleted });
        lastCompleted = completed;
      }, 1000)
    : undefined;

  const stopped = () => options.signal?.aborted === true || performance.now() - started >= durationMs;
  // A target that stops answering must not hold the run: on abort, or OUTSTANDING_GRACE_MS after the
  // end, the pool is destroyed and what is still in flight is recorded as a transport error.
  const cut = () => void dispatcher.destroy(new Error('the load run ended with this request unanswered')).catch(() => {});
  const cutoff = setTimeout(cut, durationMs + OUTSTANDING_GRACE_MS);
  options.signal?.addEventListener('abort', cut, { once: true });
  try {
    if (load.model === 'closed') {
      // Each connection sends its next request when the previous answer is in, until the time is up.
      await new Promise<void>((resolve) => {
        let running = load.connections;
        const next = () => {
          if (!stopped()) send(performance.now(), next);
          else if (--running === 0) resolve();
        };
        for (let c = 0; c < load.connections; c++) next();
      });
    } else {
      await openLoop(load.rate, load.maxInFlight);
    }
  } finally {
    clearTimeout(cutoff);
    options.signal?.removeEventListener('abort', cut);
    eventTimers.forEach(clearTimeout);
    if (progressTimer) clearInterval(progressTimer);
  }

  async function openLoop(rate: number, maxInFlight: number): Promise<void> {
    const gapMs = 1000 / rate;
    const total = Math.floor(scenario.durationSeconds * rate);
    let drained: (() => void) | undefined;
    const answered = () => {
      if (inFlight === 0 && drained) drained();
    };
    let i = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        // Everything whose intended time has come goes out now, stamped with that intended time:
        // a late timer (GC, a busy loop) shows up as latency instead of silently lowering the rate.
        const due = Math.min(total, Math.floor((now - started) / gapMs) + 1);
        for (; i < due; i++) {
          const intendedAt = started + i * gapMs;
          if (inFlight >= maxInFlight) {
            // Not sent, so no latency to record; counted as an error so it cannot pass unseen.
            advanceTo(now - started);
            outcomes.dropped++;
            errors++;
            intervalErrors++;
            continue;
          }
          send(intendedAt, answered);
        }
        if (i >= total || options.signal?.aborted) return resolve();
        setTimeout(tick, Math.max(0, started + i * gapMs - performance.now()));
      };
      tick();
    });
    // Answers still outstanding belong to the run; the cutoff bounds how long they can take.
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  }

  const elapsedMs = performance.now() - started;
  const elapsed = elapsedMs / 1000;
  advanceTo(elapsedMs);
  // Kept even when empty: a target that stopped answering shows as a true zero.
  if (elapsedMs > intervalStartMs) closeInterval(elapsedMs);
  if (!dispatcher.destroyed) await dispatcher.destroy();
  // A control call still running when the load ends is awaited (each has its own 5 s timeout).
  await Promise.all(eventCalls);
  const outcomeErrors = errors;
  const result: LoadResult = {
    format: 'gatecheck-load-result/1',
    engine: 'embedded',
    scenario,
    target: options.url,
    startedAt,
    durationSeconds: Math.round(elapsed * 1000) / 1000,
    model: load.model === 'open' ? { model: 'open', rate: load.rate, connections } : { model: 'closed', connections },
    requests: { sent, completed, perSecond: Math.round((completed / elapsed) * 10) / 10 },
    latency: summarize(corrected),
    ...(load.model === 'open' ? { serviceLatency: summarize(service) } : {}),
    percentiles: corrected.totalCount ? PERCENTILE_TICKS.map((p) => ({ percentile: p, ms: percentileUs(corrected, p) / 1000 })) : [],
    statuses,
    outcomes,
    errors: outcomeErrors,
    errorRate: completed ? outcomeErrors / completed : 0,
    pools: poolCounts,
    timeline,
    events: events.sort((a, b) => a.atSeconds - b.atSeconds),
    thresholds: [],
    passed: true,
    transportErrors,
  };
  const checks = [
    { name: 'error rate', limit: scenario.thresholds.maxErrorRate, actual: result.errorRate },
    ...(scenario.thresholds.p99Ms !== undefined ? [{ name: 'p99 ms', limit: scenario.thresholds.p99Ms, actual: result.latency.p99Ms }] : []),
  ];
  result.thresholds = checks.map((c) => ({ ...c, pass: c.actual <= c.limit }));
  result.passed = result.thresholds.every((t) => t.pass) && events.every((e) => e.ok) && events.length === scenario.events.length;
  return result;
}

/** Drives the mock IdP's control API: the same calls a k6 run makes, so both engines see the same faults. */
async function applyEvent(event: ScenarioEvent, control: RunLoadOptions['control'], started: number, durationSeconds: number): Promise<EventRecord> {
  const atSeconds = Math.round(performance.now() - started) / 1000;
  if (!control) return { action: event.action, atSeconds, ok: false, detail: 'no mock IdP control API to drive (target not started with the mock)' };
  const base = `${control.idpUrl.replace(/\/$/, '')}/_admin/tenants/${encodeURIComponent(event.tenant)}`;
  const call =
    event.action === 'rotate-keys'
      ? { url: `${base}/keys/rotate`, method: 'POST' as const, body: {}, detail: `rotated ${event.tenant}'s signing keys` }
      : (() => {
          // The mock clears the fault itself, so the window holds even if this process stalls.
          const forSeconds = Math.round(event.for * durationSeconds * 1000) / 1000;
          return { url: `${base}/faults/jwks`, method: 'PUT' as const, body: { kind: event.kind, forSeconds }, detail: `JWKS of ${event.tenant} ${event.kind} for ${forSeconds} s` };
        })();
  try {
    const res = await request(call.url, {
      method: call.method,
      headers: { 'content-type': 'application/json', ...(control.adminToken ? { authorization: `Bearer ${control.adminToken}` } : {}) },
      body: JSON.stringify(call.body),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await res.body.text();
    const ok = res.statusCode < 300;
    return { action: event.action, atSeconds, ok, detail: ok ? call.detail : `${call.method} ${call.url} answered ${res.statusCode}: ${text.slice(0, 200)}` };
  } catch (error) {
    return { action: event.action, atSeconds, ok: false, detail: `${call.method} ${call.url}: ${(error as Error).message}` };
  }
}
