import type { Logger } from 'pino';
import type { BackendCredentials } from '../backend-credentials.ts';
import type { GatewayConfig } from '../config.ts';
import type { GatewayRequest, GatewayResponse } from '../http/gateway-exchange.ts';
import type { PipelineContext, PipelineEnv } from '../pipeline/types.ts';
import type { PreboundCounterChild } from '../prebound-counter.ts';
import type { PreboundHistogramChild } from '../prebound-histogram.ts';
import type { Reason } from '../rejection.ts';
import type { CompiledRoute, RouteTable } from '../route-table.ts';
import type { SlidingWindowLimiter } from '../sliding-window-limiter.ts';
import type { SubscriptionKeys } from '../subscription-keys.ts';

/** What a rejection adds to its status and challenge. */
export interface RejectionExtras {
  /** RFC 6750 `scope` attribute of an insufficient_scope challenge. */
  scope?: string;
  retryAfter?: number;
  remaining?: number;
  claimsChallenge?: PipelineContext['claimsChallenge'];
}

export interface Rejection extends RejectionExtras {
  reason: Reason;
}

/**
 * `continue` to the next step, a rejection to answer with, or `answered` when the step handed the
 * request on (to the upstream) and the response is no longer the runner's to write. A bare Reason
 * is a rejection without extras: no object to allocate for the common refusals.
 */
export type StepResult = 'continue' | 'answered' | Reason | Rejection;

export interface RequestStep {
  name: string;
  /** A promise only where the step must wait (a body, a key fetch, a backend token), so the common path allocates none. */
  run(state: RequestState, env: RequestEnv): StepResult | Promise<StepResult>;
}

/** Built once per server: everything the steps read that doesn't change per request. */
export interface RequestEnv {
  config: GatewayConfig;
  routes: RouteTable;
  /** Claims-contract header names, lower-case: only this gateway may send them upstream. */
  reserved: ReadonlySet<string>;
  subscriptions: SubscriptionKeys | null;
  backend: BackendCredentials | null;
  /** Per-route limits by their config name. */
  limiters: ReadonlyMap<string, { rl: GatewayConfig['rateLimits'][string]; limiter: SlidingWindowLimiter }>;
  /** Counts failed authentications per client address, and refuses an address over the limit up front. */
  unauthLimiter: SlidingWindowLimiter | null;
  /** Lower-case name of the header the token comes in (Authorization unless APIM's header-name says otherwise). */
  tokenHeader: string;
  tokenParam: string;
  pipeline: PipelineEnv;
  // Bound to their labels once: labels() per request hashes the label set every time.
  tokenCacheHits: PreboundCounterChild;
  tokenCacheMisses: PreboundCounterChild;
  validationHit: PreboundHistogramChild;
  validationMiss: PreboundHistogramChild;
  logger: Logger;
  now(): number;
  /** Answers with the reason's status, challenge and body, then logs and counts the outcome. */
  reject(state: RequestState, reason: Reason, extras?: RejectionExtras): void;
  /** Sends the request upstream as the state now describes it; the upstream's answer is streamed back. */
  proxy(state: RequestState): void;
}

/**
 * One request on its way through the steps: the one object allocated per request for them, so every
 * field is set in createRequestState (one shape for every request keeps property access monomorphic).
 */
export interface RequestState {
  readonly req: GatewayRequest;
  readonly res: GatewayResponse;
  readonly method: string;
  readonly ip: string;
  /** performance.now() at arrival, for the access log's latency. */
  readonly start: number;
  /** The authority of an absolute-form target, which stands in for Host. */
  authority: string | undefined;
  /** As received until normalised; then the path routed, logged and forwarded. */
  path: string;
  /** Without `?`; what the upstream gets once the gateway's own parameters are taken out. */
  query: string;
  /** Name, value… for the upstream. */
  forward: string[];
  /** Every token header line, in order (Node would fold them into one). */
  authorization: string[];
  subscriptionKey: string | undefined;
  contentType: string;
  hasBody: boolean;
  /** Every Connection header's tokens, each prefixed with a comma. */
  connectionTokens: string;
  host: string | undefined;
  hosts: number;
  route: CompiledRoute | undefined;
  formBody: string | null;
  /** The form body once read for its token: it is what goes upstream then, the stream being spent. */
  bufferedBody: Buffer | null;
  validation: PipelineContext | null;
  /** The verified caller, for the access log. */
  caller: string | undefined;
  /** Calls left under the route's rate limit, added to the upstream's answer as X-RateLimit-Remaining. */
  remaining: number | undefined;
}

export function createRequestState(req: GatewayRequest, res: GatewayResponse, start: number): RequestState {
  return {
    req,
    res,
    method: req.method,
    ip: req.remoteAddress,
    start,
    authority: undefined,
    path: req.url,
    query: '',
    forward: [],
    authorization: [],
    subscriptionKey: undefined,
    contentType: '',
    hasBody: false,
    connectionTokens: '',
    host: undefined,
    hosts: 0,
    route: undefined,
    formBody: null,
    bufferedBody: null,
    validation: null,
    caller: undefined,
    remaining: undefined,
  };
}
