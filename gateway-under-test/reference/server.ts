import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, STATUS_CODES } from 'node:http';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PreboundCounterChild } from './prebound-counter.ts';
import { pino, type Logger } from 'pino';
import { Pool, type Dispatcher } from 'undici';
import { BackendCredentials } from './backend-credentials.ts';
import { reservedHeaderNames } from './claim-headers.ts';
import type { GatewayConfig } from './config.ts';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics.ts';
import { createGatewayRuntime, type GatewayRuntime } from './gateway-runtime.ts';
import { createFastFront } from './http/fast-front.ts';
import type { GatewayRequest, GatewayResponse } from './http/gateway-exchange.ts';
import { UpstreamClient } from './http/upstream-client.ts';
import { challengeFor, REJECTIONS, type Reason } from './rejection.ts';
import { runRequest } from './request/index.ts';
import { createRequestState, type RejectionExtras, type RequestEnv, type RequestState } from './request/types.ts';
import { RouteTable } from './route-table.ts';
import { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import { SubscriptionKeys } from './subscription-keys.ts';

const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
/** Shared by every rejection that has none, rather than a fresh `{}` per rejection. */
const NO_EXTRAS: RejectionExtras = Object.freeze({});

export interface ReferenceServerOptions {
  now?: () => number;
  logger?: Logger;
}

export interface ReferenceServer {
  /** The listening socket: the fast front, or node:http alone when `http.fastFront` is off. */
  server: Server;
  runtime: GatewayRuntime;
  metrics: GatewayMetrics;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * The reference gateway's public HTTP server: routing, subscription keys, the validation pipeline,
 * rate limits, claims-contract headers and proxying to the upstream. Not listening yet; the caller
 * binds it (so cluster workers and tests can choose how).
 */
export function createReferenceServer(config: GatewayConfig, options: ReferenceServerOptions = {}): ReferenceServer {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: config.log.level, base: undefined });
  let metrics!: GatewayMetrics;
  const runtime = createGatewayRuntime(
    config,
    {
      onFetch(kind, ok, error) {
        metrics.jwksFetches.inc({ kind, result: ok ? 'ok' : 'error' });
        if (!ok) logger.warn({ event: 'jwks_fetch_failed', kind, error }, 'key fetch failed');
      },
      onKeyIgnored(kid, why) {
        logger.warn({ event: 'jwk_ignored', kid: typeof kid === 'string' ? kid : undefined, why }, 'JWKS key ignored');
      },
      onKeysRemoved(records) {
        logger.info({ event: 'jwks_keys_removed', kids: records.map((r) => r.kid) }, 'keys left the JWKS');
      },
    },
    now,
  );
  metrics = createGatewayMetrics(() => runtime.tokenCache?.size ?? 0);
  // Built once and handed to every step as one object: the steps (request/) hold no state of their
  // own, so each can be read, and run in a test, apart from this closure.
  const env: RequestEnv = {
    config,
    routes: new RouteTable(config.routes),
    reserved: reservedHeaderNames(config.claimHeaders),
    subscriptions: config.subscriptions ? new SubscriptionKeys(config.subscriptions) : null,
    backend: config.backendCredentials ? new BackendCredentials(config.backendCredentials, now) : null,
    limiters: new Map(Object.entries(config.rateLimits).map(([name, rl]) => [name, { rl, limiter: new SlidingWindowLimiter(rl.limit, rl.windowSeconds, now) }])),
    unauthLimiter: config.unauthenticatedLimit
      ? new SlidingWindowLimiter(config.unauthenticatedLimit.limit, config.unauthenticatedLimit.windowSeconds, now)
      : null,
    tokenHeader: config.token.locations.headerName.toLowerCase(),
    tokenParam: config.token.locations.queryParameter,
    pipeline: runtime.env,
    tokenCacheHits: metrics.tokenCacheLookups.labels('hit'),
    tokenCacheMisses: metrics.tokenCacheLookups.labels('miss'),
    validationHit: metrics.validationSeconds.labels('hit'),
    validationMiss: metrics.validationSeconds.labels('miss'),
    logger,
    now,
    reject,
    proxy,
  };
  const upstream = new URL(config.upstream.url);
  const upstreamBase = upstream.pathname.replace(/\/$/, '');
  const pool = new Pool(upstream.origin, {
    connections: config.upstream.connections,
    connectTimeout: config.upstream.connectTimeoutMs,
    headersTimeout: config.upstream.headersTimeoutMs,
    bodyTimeout: config.upstream.bodyTimeoutMs,
    keepAliveTimeout: config.upstream.keepAliveTimeoutMs,
  });
  // Plain HTTP only: TLS to the upstream stays with undici.
  const client = config.upstream.fastClient && upstream.protocol === 'http:'
    ? UpstreamClient.forOrigin(upstream.origin, {
        connections: config.upstream.connections,
        connectTimeoutMs: config.upstream.connectTimeoutMs,
        headersTimeoutMs: config.upstream.headersTimeoutMs,
        bodyTimeoutMs: config.upstream.bodyTimeoutMs,
        keepAliveTimeoutMs: config.upstream.keepAliveTimeoutMs,
      })
    : null;
  const accessLog = config.log.accessLog && logger.isLevelEnabled('info');
  const requestCounters = new Map<string, PreboundCounterChild>();
  const count = (outcome: string, reason: string, route: string) => {
    const key = `${outcome}\u0000${reason}\u0000${route}`;
    let child = requestCounters.get(key);
    if (!child) requestCounters.set(key, (child = metrics.requests.labels(outcome, reason, route)));
    child.inc();
  };

  function finish(x: RequestState, status: number, outcome: 'allow' | 'reject' | 'error', reason: Reason | undefined): void {
    count(outcome, reason ?? '', x.route?.id ?? '');
    if (accessLog) {
      logger.info({
        caller: x.caller ?? x.ip,
        method: x.method,
        route: x.route?.id,
        path: x.path,
        status,
        outcome,
        reason,
        latencyMs: Math.round((performance.now() - x.start) * 1000) / 1000,
      });
    }
  }

  function reject(x: RequestState, reason: Reason, extra: RejectionExtras = NO_EXTRAS): void {
    const rule = REJECTIONS[reason];
    // APIM failed-validation-httpcode: one status for every missing or invalid token.
    const status = rule.status === 401 && config.token.failureStatus !== undefined ? config.token.failureStatus : rule.status;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    const challenge = challengeFor(reason, config.realm, extra.scope, extra.claimsChallenge);
    if (challenge) headers['www-authenticate'] = challenge;
    if (extra.retryAfter !== undefined) headers['retry-after'] = String(extra.retryAfter);
    if (extra.remaining !== undefined) headers['x-ratelimit-remaining'] = String(extra.remaining);
    if (config.exposeReason) headers['x-gatecheck-reason'] = reason;
    const error = rule.error ?? (STATUS_CODES[rule.status] ?? 'error').toLowerCase().replaceAll(' ', '_');
    const body = `{"error":"${error}"}`;
    headers['content-length'] = String(body.length);
    if (!x.res.headersSent) x.res.writeHead(status, headers);
    x.res.end(x.method === 'HEAD' ? undefined : body);
    finish(x, status, rule.status >= 500 && reason !== 'keys_unavailable' ? 'error' : 'reject', reason);
  }

  /**
   * Forwards straight into `res` as a dispatch handler (undici's interface, which the upstream client
   * shares): no response stream, header object or end-of-stream listeners per request; dropping them
   * cut this gateway's CPU per request by about a sixth.
   */
  class ProxyExchange implements Dispatcher.DispatchHandler {
    readonly x: RequestState;
    constructor(x: RequestState) {
      this.x = x;
    }
    onRequestStart(): void {}
    onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
      // Buffers from undici, strings from the upstream client.
      const raw = controller.rawHeaders as (Buffer | string)[] | null | undefined;
      const out: string[] = [];
      if (raw) {
        for (let i = 0; i < raw.length; i += 2) {
          const name = latin1(raw[i]);
          if (!RESPONSE_HOP_BY_HOP.has(name.toLowerCase())) out.push(name, latin1(raw[i + 1]));
        }
      }
      if (this.x.remaining !== undefined) out.push('x-ratelimit-remaining', String(this.x.remaining));
      this.x.res.writeHead(statusCode, out);
      finish(this.x, statusCode, 'allow', undefined);
    }
    onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
      const { res } = this.x;
      if (res.destroyed) return controller.abort(new Error('client closed the connection'));
      if (res.write(chunk)) return;
      // A slow client: stop reading the upstream until it catches up, or drop it if the client leaves.
      controller.pause();
      const go = () => {
        res.off('drain', go);
        res.off('close', go);
        if (res.destroyed) controller.abort(new Error('client closed the connection'));
        else controller.resume();
      };
      res.on('drain', go);
      res.on('close', go);
    }
    onResponseEnd(): void {
      this.x.res.end();
    }
    onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
      const { x } = this;
      if (x.res.headersSent) {
        x.res.destroy(err);
        return;
      }
      const code = (err as { code?: string }).code ?? '';
      const timeout = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      logger.warn({ event: 'upstream_failed', code, error: err.message }, 'upstream request failed');
      reject(x, timeout ? 'upstream_timeout' : 'upstream_unavailable');
    }
  }

  function proxy(x: RequestState): void {
    const { method, forward: headers, query } = x;
    // A form body read for its token is spent as a stream: the buffered copy goes instead.
    const body = x.bufferedBody ?? (x.hasBody ? x.req.body : null);
    const target = upstreamBase + x.path + (query ? `?${query}` : '');
    const exchange = new ProxyExchange(x);
    try {
      if (body === null && client) client.dispatch({ method, path: target, headers }, exchange);
      else pool.dispatch({ method: method as 'GET', path: target, headers, body }, exchange);
    } catch (err) {
      exchange.onResponseError(null, err as Error);
    }
  }

  const failed = (res: GatewayResponse, err: unknown) => {
    logger.error({ event: 'handler_failed', error: (err as Error).message }, 'request handler failed');
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': '33' });
      res.end('{"error":"internal_server_error"}');
    } else res.destroy();
  };
  const serve = (req: GatewayRequest, res: GatewayResponse) => {
    // Not an async function: that would cost a promise per request even when no step waits.
    let pending: void | Promise<void>;
    try {
      pending = runRequest(createRequestState(req, res, performance.now()), env);
    } catch (err) {
      failed(res, err);
      return;
    }
    if (pending) pending.catch((err: unknown) => failed(res, err));
  };
  const http = createServer({
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    connectionsCheckingInterval: config.http.checkIntervalMs,
  }, (req, res) => {
    // llhttp takes a request line without a version as HTTP/0.9 (and `PRI` as HTTP/2's preface) and
    // hands over the header lines after it; forwarded, it would reach the upstream as an HTTP/1.1
    // request this gateway never framed as one. Only HTTP/1.x is proxied.
    if (req.httpVersionMajor !== 1) {
      res.shouldKeepAlive = false;
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': '24', connection: 'close' });
      res.end('{"error":"bad_request"}\n');
      return;
    }
    serve({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, remoteAddress: req.socket.remoteAddress ?? '', body: req }, res);
  });
  http.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  const server = config.http.fastFront
    ? createFastFront({ handler: serve, fallback: http, maxHeaderBytes: config.maxHeaderBytes, keepAliveTimeoutMs: config.http.keepAliveTimeoutMs, headersTimeoutMs: config.http.headersTimeoutMs })
    : http;
  const sockets = new Set<Socket>();
  let privateDir: string | undefined;
  if (server !== http) {
    // node:http enforces headersTimeout and requestTimeout on the connections of a server that listens,
    // and the fast front hands it connections through its documented 'connection' event. So it listens
    // too, on a Unix socket in a directory only this process's user can enter: nothing connects there,
    // no second network port is opened, and the timeouts hold for every connection handed over.
    server.once('listening', () => {
      privateDir = mkdtempSync(join(tmpdir(), 'gatecheck-gateway-'));
      http.once('error', (err) => logger.error({ event: 'handover_listen_failed', error: err.message }, 'node:http could not listen on its private socket; slow handed-over requests are not timed out'));
      // exclusive: a cluster worker binds it itself instead of asking the primary to share it.
      http.listen({ path: join(privateDir, 'http.sock'), exclusive: true });
    });
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }

  return {
    server,
    runtime,
    metrics,
    logger,
    async close() {
      runtime.stop();
      http.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        // Its private socket, and with it node:http's connection timers.
        server === http || !http.listening ? undefined : new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
      if (privateDir) rmSync(privateDir, { recursive: true, force: true });
      await Promise.all([pool.close(), client?.destroy()]);
    },
  };
}

function latin1(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}
