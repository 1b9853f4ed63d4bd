import type { Scenario } from '../scenarios/scenario-schema.ts';

/** How a response is read: the gateway let it through, refused it, throttled it, or failed. */
export type ResponseClass = 'accepted' | 'refused' | 'throttled' | 'server-error' | 'transport-error';

/**
 * Each request graded against what its token deserves. `valid-refused` and `bad-accepted` are the
 * correctness failures a load test exists to find; `ungraded` is a token the specs allow either way.
 */
export const OUTCOMES = ['ok', 'valid-refused', 'bad-accepted', 'server-error', 'transport-error', 'throttled', 'dropped', 'ungraded'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes that count as errors (throttling is reported, not counted: a rate limit is policy). */
export const ERROR_OUTCOMES: readonly Outcome[] = ['valid-refused', 'bad-accepted', 'server-error', 'transport-error', 'dropped'];

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface PoolCounts {
  name: string;
  variant: string;
  expect: 'accept' | 'reject' | 'either';
  tokens: number;
  sent: number;
  accepted: number;
  refused: number;
  other: number;
}

/**
 * One interval of the run. Intervals end on whole seconds, except the last, which ends when the run
 * did (its answers in flight included) and so is usually shorter or longer than a second.
 */
export interface TimelinePoint {
  /** Seconds since the run started, at the end of the interval. */
  second: number;
  /** The interval's length in seconds: `requests / spanSeconds` is its rate per second. */
  spanSeconds: number;
  /** Responses in the interval (a count, not a rate). */
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EventRecord {
  action: string;
  /** When it was applied, seconds since start. */
  atSeconds: number;
  detail: string;
  ok: boolean;
}

export interface ThresholdCheck {
  name: string;
  limit: number;
  actual: number;
  pass: boolean;
}

export interface SaturationStep {
  rate: number;
  achievedRate: number;
  p99Ms: number;
  errors: number;
  sustained: boolean;
}

/** The embedded engine's result: written as JSON, rendered as console, HTML and PNG. */
export interface LoadResult {
  format: 'gatecheck-load-result/1';
  engine: 'embedded';
  scenario: Scenario;
  target: string;
  startedAt: string;
  durationSeconds: number;
  model: { model: 'open'; rate: number; connections: number } | { model: 'closed'; connections: number };
  requests: { sent: number; completed: number; perSecond: number };
  /** Open model: from each request's intended send time (coordinated omission corrected). Closed: from send. */
  latency: LatencySummary;
  /** Open model only: from the moment the request was actually handed to the client. */
  serviceLatency?: LatencySummary;
  /** For the percentile chart: HDR-style ticks. */
  percentiles: Array<{ percentile: number; ms: number }>;
  statuses: Record<string, number>;
  outcomes: Record<Outcome, number>;
  errors: number;
  errorRate: number;
  pools: PoolCounts[];
  timeline: TimelinePoint[];
  events: EventRecord[];
  thresholds: ThresholdCheck[];
  passed: boolean;
  saturation?: { steps: SaturationStep[]; maxSustainableRate: number | null };
  /** Transport errors by message, a few of each kind, to say what broke. */
  transportErrors: Record<string, number>;
}
