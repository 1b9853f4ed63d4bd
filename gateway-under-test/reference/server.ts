import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Server, Socket } from 'node:net';
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
import { runPipeline } from './pipeline/index.ts';
import { createContext, type PipelineContext } from './pipeline/types.ts';
import { challengeFor, REJECTIONS, type Reason } from './rejection.ts';
import { normalisePath, RouteTable, type CompiledRoute } from './route-table.ts';
import { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import { SubscriptionKeys } from './subscription-keys.ts';

/**
 * Headers some frameworks honour instead of the request line: a method override (an upstream honouring
 * it acts on another method than the one authorised, a GET allowed for a read role becoming a POST) or a
 * request-target override (X-Original-URL and X-Rewrite-URL, which IIS URL Rewrite and Symfony before
 * CVE-2018-14773 took as the path). Routes are authorised by the request line, so these never pass.
 */
const OVERRIDES = new Set(['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url']);

/** Never forwarded in either direction (RFC 9110 §7.6.1), plus headers this gateway sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'http2-settings',
  'host', 'proxy-authorization', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
]);
/** `http://authority/path…` (RFC 9112 §3.2.2); userinfo is not allowed in an http(s) URI (RFC 9110 §4.2.4). */
const ABSOLUTE_FORM = /^https?:\/\/([^/?#@]*)([/?][^#]*)?$/i;
/** RFC 9110 §7.2: uri-host [ ":" port ], or empty. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;
const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_BYTES = 65_536;

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
  const { env } = runtime;
  const routes = new RouteTable(config.routes);
  const reserved = reservedHeaderNames(config.claimHeaders);
  const subscriptions = config.subscriptions ? new SubscriptionKeys(config.subscriptions) : null;
  const backend = config.backendCredentials ? new BackendCredentials(config.backendCredentials, now) : null;
  const limiters = new Map(Object.entries(config.rateLimits).map(([name, rl]) => [name, { rl, limiter: new SlidingWindowLimiter(rl.limit, rl.windowSeconds, now) }]));
  const unauthLimiter = config.unauthenticatedLimit
    ? new SlidingWindowLimiter(config.unauthenticatedLimit.limit, config.unauthenticatedLimit.windowSeconds, now)
    : null;
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
  const tokenHeader = config.token.locations.headerName.toLowerCase();
  const tokenParam = config.token.locations.queryParameter;
  const tokenCacheHits = metrics.tokenCacheLookups.labels('hit');
  const tokenCacheMisses = metrics.tokenCacheLookups.labels('miss');
  const validationHit = metrics.validationSeconds.labels('hit');
  const validationMiss = metrics.validationSeconds.labels('miss');
  const requestCounters = new Map<string, PreboundCounterChild>();
  const count = (outcome: string, reason: string, route: string) => {
    const key = `${outcome}\u0000${reason}\u0000${route}`;
    let child = requestCounters.get(key);
    if (!child) requestCounters.set(key, (child = metrics.requests.labels(outcome, reason, route)));
    child.inc();
  };

  interface Exchange {
    method: string;
    res: GatewayResponse;
    start: number;
    route: CompiledRoute | undefined;
    path: string;
    ip: string;
    caller: string | undefined;
  }

  function finish(x: Exchange, status: number, outcome: 'allow' | 'reject' | 'error', reason: Reason | undefined): void {
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

  function reject(x: Exchange, reason: Reason, extra: { scope?: string; retryAfter?: number; remaining?: number; claimsChallenge?: PipelineContext['claimsChallenge'] } = {}): void {
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

  async function handle(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const { method } = req;
    const ip = req.remoteAddress;
    let { url } = req;
    // Absolute-form (RFC 9112 §3.2.2): routed by its path; its authority stands in for Host.
    let authority: string | undefined;
    if (url.charCodeAt(0) !== 47) {
      const absolute = ABSOLUTE_FORM.exec(url);
      if (absolute) {
        authority = absolute[1];
        url = absolute[2] === undefined ? '/' : absolute[2].charCodeAt(0) === 47 ? absolute[2] : `/${absolute[2]}`;
      }
    }
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    let query = q === -1 ? '' : withoutMethodOverride(url.slice(q + 1));
    const x: Exchange = { method, res, start: performance.now(), route: undefined, path: rawPath, ip, caller: undefined };
    if (rawPath.charCodeAt(0) !== 47) return reject(x, 'route_not_found');
    if (authority !== undefined && !HOST.test(authority)) return reject(x, 'invalid_host');
    // The path the route is matched on is the path forwarded; one that decoders read differently is refused.
    const path = normalisePath(rawPath);
    if (path === undefined) return reject(x, 'ambiguous_path');
    x.path = path;

    if (unauthLimiter) {
      const b = unauthLimiter.blocked(ip);
      if (b.blocked) return reject(x, 'unauthenticated_rate_limited', { retryAfter: b.retryAfterSeconds });
    }

    // One pass over the raw headers: Node folds duplicate Authorization headers into one, which would hide A05.
    const raw = req.rawHeaders;
    const forward: string[] = [];
    const authorization: string[] = [];
    let subscriptionKey: string | undefined;
    let contentType = '';
    let hasBody = false;
    let connectionTokens = '';
    let host: string | undefined;
    let hosts = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (lower === tokenHeader) {
        authorization.push(raw[i + 1]);
        continue;
      }
      if (HOP_BY_HOP.has(lower)) {
        if (lower === 'host') {
          host ??= raw[i + 1];
          hosts++;
        } else if (lower === 'connection') connectionTokens += `,${raw[i + 1].toLowerCase()}`;
        else if (lower === 'transfer-encoding') hasBody = true;
        continue;
      }
      // Claims-contract headers from the client are dropped on every route, in any case and with `_` for `-`.
      if (reserved.has(lower) || (lower.includes('_') && reserved.has(lower.replaceAll('_', '-')))) continue;
      if (OVERRIDES.has(lower)) continue;
      if (subscriptions && lower === subscriptions.header) {
        subscriptionKey ??= raw[i + 1];
        continue;
      }
      if (lower === 'content-length') hasBody ||= raw[i + 1] !== '0';
      else if (lower === 'content-type') contentType = raw[i + 1];
      forward.push(name, raw[i + 1]);
    }
    // RFC 9112 §3.2: one Host, with a valid value; a second one is what a backend may route by instead.
    if (hosts > 1 || (host !== undefined && !HOST.test(host))) return reject(x, 'invalid_host');
    if (authority !== undefined) host = authority;
    // Every Connection line counts (RFC 9110 §7.6.1: a list may be split over several lines).
    if (connectionTokens) stripConnectionListed(forward, connectionTokens);
    forward.push('x-forwarded-for', ip, 'x-forwarded-proto', 'http');
    // From the raw scan: touching req.headers would make Node build the whole header object per request.
    if (host) forward.push('x-forwarded-host', host);

    const route = routes.match(method, path);
    x.route = route;
    if (!route) return reject(x, 'route_not_found');

    if (route.config.product && subscriptions) {
      if (subscriptionKey === undefined && query.includes(subscriptions.query)) {
        const params = new URLSearchParams(query);
        subscriptionKey = params.get(subscriptions.query) ?? undefined;
        params.delete(subscriptions.query);
        query = params.toString();
      }
      if (subscriptionKey === undefined || subscriptionKey === '') return reject(x, 'subscription_key_missing');
      if (!subscriptions.valid(route.config.product, subscriptionKey)) return reject(x, 'subscription_key_invalid');
    }

    if (route.anonymous) {
      if (route.config.forwardAuthorization) for (const a of authorization) forward.push(tokenHeader, a);
      return proxy(x, method, path, query, forward, hasBody ? req.body : null, undefined);
    }

    let formBody: string | null = null;
    let bufferedBody: Buffer | null = null;
    if (config.token.locations.body && hasBody && req.body && method !== 'GET' && method !== 'HEAD' && contentType.toLowerCase().startsWith(FORM)) {
      bufferedBody = await readBody(req.body, MAX_FORM_BYTES);
      if (bufferedBody === null) {
        // The rest of the body stays unread, so the connection can't be reused: answer, then close it.
        res.setHeader('connection', 'close');
        return reject(x, 'malformed_authorization');
      }
      formBody = bufferedBody.toString('utf8');
    }

    const ctx = createContext({ method, authorization, query, formBody }, route.requirement, now());
    const t0 = performance.now();
    let reason = runPipeline(ctx, env);
    if (reason !== undefined && typeof reason !== 'string') reason = await reason;
    (ctx.cacheHit ? validationHit : validationMiss).observe((performance.now() - t0) / 1000);
    if (ctx.token && env.tokenCache) (ctx.cacheHit ? tokenCacheHits : tokenCacheMisses).inc();
    if (reason) {
      if (unauthLimiter && REJECTIONS[reason].status < 500) unauthLimiter.record(ip);
      return reject(x, reason, { scope: reason === 'insufficient_scope' ? ctx.requirement?.scope : undefined, claimsChallenge: ctx.claimsChallenge });
    }
    const verified = ctx.verified!;
    x.caller = verified.caller;

    let remaining: number | undefined;
    if (route.config.rateLimit) {
      const { rl, limiter } = limiters.get(route.config.rateLimit)!;
      const result = limiter.hit(identityKey(verified.claims, rl.key, ip));
      if (!result.allowed) return reject(x, 'rate_limited', { retryAfter: result.retryAfterSeconds, remaining: 0 });
      remaining = result.remaining;
    }

    for (let i = 0; i < verified.upstreamHeaders.length; i++) forward.push(verified.upstreamHeaders[i]);
    if (route.config.backendCredentials && backend) {
      let token = backend.token();
      if (typeof token !== 'string') {
        try {
          token = await token;
        } catch (err) {
          logger.error({ event: 'backend_credentials_failed', error: (err as Error).message }, 'backend token unavailable');
          return reject(x, 'backend_credentials_unavailable');
        }
      }
      forward.push('authorization', `Bearer ${token}`);
    } else if (route.config.forwardAuthorization) {
      for (const a of authorization) forward.push(tokenHeader, a);
    }
    if (ctx.location === 'query') query = withoutParam(query, tokenParam);
    return proxy(x, method, path, query, forward, bufferedBody ?? (hasBody ? req.body : null), remaining);
  }

  /**
   * Forwards straight into `res` as a dispatch handler (undici's interface, which the upstream client
   * shares): no response stream, header object or end-of-stream listeners per request; dropping them
   * cut this gateway's CPU per request by about a sixth.
   */
  class ProxyExchange implements Dispatcher.DispatchHandler {
    readonly x: Exchange;
    readonly remaining: number | undefined;
    constructor(x: Exchange, remaining: number | undefined) {
      this.x = x;
      this.remaining = remaining;
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
      if (this.remaining !== undefined) out.push('x-ratelimit-remaining', String(this.remaining));
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

  function proxy(
    x: Exchange,
    method: string,
    path: string,
    query: string,
    headers: string[],
    body: IncomingMessage | Buffer | null,
    remaining: number | undefined,
  ): void {
    const target = upstreamBase + path + (query ? `?${query}` : '');
    const exchange = new ProxyExchange(x, remaining);
    try {
      if (body === null && client) client.dispatch({ method, path: target, headers }, exchange);
      else pool.dispatch({ method: method as 'GET', path: target, headers, body }, exchange);
    } catch (err) {
      exchange.onResponseError(null, err as Error);
    }
  }

  const serve = (req: GatewayRequest, res: GatewayResponse) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ event: 'handler_failed', error: (err as Error).message }, 'request handler failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json', 'content-length': '33' });
        res.end('{"error":"internal_server_error"}');
      } else res.destroy();
    });
  };
  const http = createServer({
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    connectionsCheckingInterval: config.http.checkIntervalMs,
  }, (req, res) => {
    serve({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, remoteAddress: req.socket.remoteAddress ?? '', body: req }, res);
  });
  http.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  const server = config.http.fastFront
    ? createFastFront({ handler: serve, fallback: http, maxHeaderBytes: config.maxHeaderBytes, keepAliveTimeoutMs: config.http.keepAliveTimeoutMs, headersTimeoutMs: config.http.headersTimeoutMs })
    : http;
  const sockets = new Set<Socket>();
  if (server !== http) {
    // node:http starts its head and request timers for the connections handed to it on 'listening'.
    server.on('listening', () => http.emit('listening'));
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
        // Also stops node:http's connection timers when it only serves handed-over connections.
        server === http ? undefined : new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
      await Promise.all([pool.close(), client?.destroy()]);
    },
  };
}

function latin1(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}

function identityKey(claims: Record<string, unknown>, keys: readonly string[], ip: string): string {
  let key = '';
  for (const k of keys) {
    const v = k === 'client_ip' ? ip : claims[k];
    key += `${typeof v === 'string' ? v : ''}\u0000`;
  }
  return key;
}

/**
 * Drops `_method` from the query: Symfony, Laravel and Express's method-override take it as the method
 * of a POST, which would then be authorised as a POST and served as a DELETE. Textual, so the rest of
 * the query reaches the upstream byte for byte.
 */
function withoutMethodOverride(query: string): string {
  if (!/method/i.test(query)) return query;
  return query
    .split('&')
    .filter((pair) => {
      const name = pair.split('=')[0].replaceAll('+', ' ');
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape is not `_method` to anyone.
      }
      return decoded.toLowerCase() !== '_method';
    })
    .join('&');
}

function withoutParam(query: string, name: string): string {
  const params = new URLSearchParams(query);
  params.delete(name);
  return params.toString();
}

/** Drops headers the client named in `Connection` (RFC 9110 §7.6.1): they were meant for this hop only. */
function stripConnectionListed(forward: string[], tokens: string): void {
  const names = new Set(tokens.split(',').map((t) => t.trim()).filter((t) => t && t !== 'close' && t !== 'keep-alive'));
  if (names.size === 0) return;
  for (let i = forward.length - 2; i >= 0; i -= 2) if (names.has(forward[i].toLowerCase())) forward.splice(i, 2);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Not req.destroy(): that reset the socket before the 400 could be written (the client saw no answer).
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
  });
}
