import type { Expectation, Level, Reference, RequestSpec } from './define-case.ts';

/**
 * README, "Verdicts". `weaker`: the target's contract allows what the gateway did, but it is
 * weaker than RFC 8725 / RFC 9068 require; it never fails the run and always names the clause.
 */
export type Verdict = 'pass' | 'non-strict' | 'weaker' | 'fail' | 'skipped' | 'error';

/** What the harness saw for one request. Never contains private keys; tokens are the ones sent. */
export interface Observation {
  request: {
    method: string;
    url: string;
    /** Header lines exactly as sent, in order (the token may appear here: it is test data, not a secret). */
    headers: [string, string][];
    body?: string;
    /** The loopback address it left from, when not 127.0.0.1. */
    from?: string;
    /** A raw request: the bytes as sent on one connection (latin1, templates filled); method and url then name the first request. */
    raw?: string;
  };
  token?: { value: string; header: Record<string, unknown> | null; claims: Record<string, unknown> | null };
  response?: { status: number; headers: Record<string, string | string[]>; body: string; latencyMs: number };
  /** What reached the echo upstream for this request, if anything (correlated by a per-request id). */
  upstream?: { method: string; path: string; headers: Record<string, string | string[]> } | null;
  /** Network-level failure (connection reset, timeout), when there was no response. */
  transportError?: string;
  /** A raw request: everything its connection received (latin1, at most 4096 characters) and how llhttp framed it. */
  rawResponse?: {
    received: string;
    statuses: number[];
    error?: string;
    closedByServer: boolean;
    /** How many answers the raw bytes asked for (rawMethods); absent in reports written before it was kept. */
    requests?: number;
  };
  /** Every request that reached the upstream carrying one of this exchange's ids, with the id's index (0 = the first). */
  arrivals?: { index: number; method: string; path: string; headers: Record<string, string> }[];
  /** What llhttp refused at the upstream in bytes holding one of this exchange's ids that never arrived as a request. */
  upstreamParseErrors?: string[];
}

export interface StepResult {
  verdict: Verdict;
  expected: Expectation;
  observation: Observation;
  /** Why the verdict is what it is: one line per finding ("upstream was reached", "status 403, expected 401"). */
  findings: string[];
}

export interface CaseResult {
  id: string;
  category: string;
  title: string;
  level: Level;
  references: Reference[];
  covers: string[];
  verdict: Verdict;
  /** For `either` cases: which outcome the gateway chose. */
  chose?: 'accept' | 'reject';
  /** Verdict `weaker`: the RFC clause the accepted behaviour falls short of, and where it is written. */
  weakerClause?: string;
  weakerReference?: Reference;
  skipReason?: string;
  /** For `skipped`: whether the target lacks what the case needs, or this run cannot provide it. */
  skipCause?: 'target' | 'run';
  errorMessage?: string;
  request?: RequestSpec;
  steps: StepResult[];
  durationMs: number;
}

export interface TargetInfo {
  name: string;
  baseUrl: string;
  /** The profile the expectations were computed from. */
  profile: unknown;
  logs?: string[];
}

export interface RunReport {
  tool: { name: 'gatecheck'; version: string };
  startedAt: string;
  durationMs: number;
  target: TargetInfo;
  summary: RunSummary;
  cases: CaseResult[];
}

export type RunSummary = Record<Verdict, number> & {
  total: number;
  /** Failed cases at level `must`. */
  mustFailed: number;
  /** Failed cases at a blocking level (must, profile, either): any of these makes the exit code 1. */
  blockingFailed: number;
  /** RFC 9068 / RFC 8725 strict: `held` of `judged` (suites/harness/verdict-rank.ts strictTally). */
  strict: { held: number; judged: number };
  /** Skipped cases at level must: because the target's contract lacks what they need, or because this run cannot provide it. */
  mustSkipped: { target: number; run: number };
};

/** Several runs side by side (`gatecheck matrix`). */
export interface MatrixReport {
  startedAt: string;
  runs: RunReport[];
}
