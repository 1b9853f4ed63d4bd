import { readdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendCredentials } from '../reference/backend-credentials.ts';
import { reservedHeaderNames } from '../reference/claim-headers.ts';
import { parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from '../reference/config.ts';
import { createGatewayMetrics } from '../reference/gateway-metrics.ts';
import { createGatewayRuntime, type GatewayRuntime } from '../reference/gateway-runtime.ts';
import type { GatewayRequest, GatewayResponse } from '../reference/http/gateway-exchange.ts';
import { checkHost } from '../reference/request/check-host.ts';
import { checkSubscriptionKey } from '../reference/request/check-subscription-key.ts';
import { REQUEST_STEPS, runRequest } from '../reference/request/index.ts';
import { parseTarget } from '../reference/request/parse-target.ts';
import { scanHeaders } from '../reference/request/scan-headers.ts';
import { createRequestState, type RejectionExtras, type RequestEnv, type RequestState } from '../reference/request/types.ts';
import type { Reason } from '../reference/rejection.ts';
import { RouteTable } from '../reference/route-table.ts';
import { SlidingWindowLimiter } from '../reference/sliding-window-limiter.ts';
import { SubscriptionKeys } from '../reference/subscription-keys.ts';

const REQUEST_DIR = new URL('../reference/request/', import.meta.url);
/** The files of request/ that hold no step. */
const NOT_STEPS = new Set(['index.ts', 'types.ts', 'host-syntax.ts']);
const SUBSCRIPTION_KEY = 'key-0123456789abcdef';

const CONFIG_INPUT = {
  issuers: [{ issuer: 'https://login.example/t1/v2.0', jwksUri: 'https://login.example/t1/keys' }],
  audiences: ['api://orders'],
  routes: [
    { path: '/health', auth: 'anonymous' },
    { path: '/billing*', product: 'billing' },
    { path: '/api*' },
  ],
  upstream: { url: 'http://127.0.0.1:9' },
  subscriptions: { products: [{ name: 'billing', keys: [SUBSCRIPTION_KEY] }] },
  log: { level: 'silent', accessLog: false },
} satisfies GatewayConfigInput;
const config = parseGatewayConfig(CONFIG_INPUT);

const runtimes: GatewayRuntime[] = [];
afterAll(() => {
  for (const rt of runtimes) rt.stop();
});

interface Answers {
  rejected: { reason: Reason; extras: RejectionExtras | undefined; route: string | undefined }[];
  proxied: RequestState[];
}

/** The environment createReferenceServer builds, with the two ways out recorded instead of written to a socket. */
function environment(cfg: GatewayConfig): { env: RequestEnv; answers: Answers } {
  const runtime = createGatewayRuntime(cfg);
  runtimes.push(runtime);
  const answers: Answers = { rejected: [], proxied: [] };
  const metrics = createGatewayMetrics(() => 0);
  const env: RequestEnv = {
    config: cfg,
    routes: new RouteTable(cfg.routes),
    reserved: reservedHeaderNames(cfg.claimHeaders),
    subscriptions: cfg.subscriptions ? new SubscriptionKeys(cfg.subscriptions) : null,
    backend: cfg.backendCredentials ? new BackendCredentials(cfg.backendCredentials) : null,
    limiters: new Map(Object.entries(cfg.rateLimits).map(([name, rl]) => [name, { rl, limiter: new SlidingWindowLimiter(rl.limit, rl.windowSeconds) }])),
    unauthLimiter: null,
    tokenHeader: cfg.token.locations.headerName.toLowerCase(),
    tokenParam: cfg.token.locations.queryParameter,
    pipeline: runtime.env,
    tokenCacheHits: metrics.tokenCacheLookups.labels('hit'),
    tokenCacheMisses: metrics.tokenCacheLookups.labels('miss'),
    validationHit: metrics.validationSeconds.labels('hit'),
    validationMiss: metrics.validationSeconds.labels('miss'),
    logger: pino({ level: 'silent' }),
    now: Date.now,
    reject(state, reason, extras) {
      answers.rejected.push({ reason, extras, route: state.route?.id });
    },
    proxy(state) {
      answers.proxied.push(state);
    },
  };
  return { env, answers };
}

function request(url: string, rawHeaders: string[] = ['Host', 'api.example'], method = 'GET'): GatewayRequest {
  return { method, url, rawHeaders, remoteAddress: '192.0.2.7', body: null };
}

/** The steps under test answer nothing themselves: any write is a fault. */
const response = new Proxy({} as GatewayResponse, {
  get(_target, name) {
    throw new Error(`a step touched the response (${String(name)})`);
  },
});

function state(req: GatewayRequest): RequestState {
  return createRequestState(req, response, 0);
}

describe('request steps table', () => {
  it('names every step after its file, each file once, in the order the checks must run', async () => {
    const names = REQUEST_STEPS.map((s) => s.name);
    expect(names).toEqual([
      'parse-target',
      'normalise-path',
      'limit-unauthenticated',
      'scan-headers',
      'check-host',
      'add-forwarded-headers',
      'match-route',
      'check-subscription-key',
      'forward-anonymous',
      'read-form-token',
      'validate-token',
      'limit-rate',
      'add-claim-headers',
      'add-upstream-credentials',
      'forward-upstream',
    ]);
    const files = readdirSync(REQUEST_DIR).filter((f) => f.endsWith('.ts') && !NOT_STEPS.has(f)).sort();
    expect(files).toEqual(names.map((n) => `${n}.ts`).sort());
    for (const file of files) {
      const exports = Object.values(await import(new URL(file, REQUEST_DIR).href));
      expect(exports, file).toHaveLength(1);
      expect(REQUEST_STEPS, file).toContain(exports[0]);
    }
  });

  it('checks Host before routing, and routes before the subscription key and the token', () => {
    const at = (name: string) => REQUEST_STEPS.findIndex((s) => s.name === name);
    expect(at('check-host')).toBeLessThan(at('match-route'));
    expect(at('match-route')).toBeLessThan(at('check-subscription-key'));
    expect(at('check-subscription-key')).toBeLessThan(at('forward-anonymous'));
    expect(at('forward-anonymous')).toBeLessThan(at('validate-token'));
    expect(at('validate-token')).toBeLessThan(at('limit-rate'));
    expect(REQUEST_STEPS.at(-1)!.name).toBe('forward-upstream');
  });
});

describe('request steps, run alone', () => {
  const { env } = environment(config);

  it('parse-target routes an absolute-form target by its path, keeps its authority for Host and drops _method', () => {
    const s = state(request('http://api.example:8080/api/orders?_method=DELETE&a=1'));
    expect(parseTarget.run(s, env)).toBe('continue');
    expect(s.authority).toBe('api.example:8080');
    expect(s.path).toBe('/api/orders');
    expect(s.query).toBe('a=1');
    expect(parseTarget.run(state(request('http://bad host/api')), env)).toBe('invalid_host');
    expect(parseTarget.run(state(request('*')), env)).toBe('route_not_found');
  });

  it('scan-headers keeps every token line and drops claim headers from the client; check-host refuses a second Host', () => {
    const s = state(request('/api/orders', [
      'Host', 'api.example',
      'Authorization', 'Bearer a',
      'X-User-Id', 'admin',
      'x_user_id', 'admin',
      'X-HTTP-Method-Override', 'DELETE',
      'Accept', 'application/json',
      'authorization', 'Bearer b',
      'HOST', 'internal.example',
    ]));
    expect(scanHeaders.run(s, env)).toBe('continue');
    expect(s.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(s.forward).toEqual(['Accept', 'application/json']);
    expect(s.hosts).toBe(2);
    expect(checkHost.run(s, env)).toBe('invalid_host');
  });

  it('check-subscription-key takes a key from the query out of what goes upstream, and refuses a missing or wrong one', () => {
    const billing = env.routes.match('GET', '/billing/invoices')!;
    const good = state(request(`/billing/invoices?page=2&subscription-key=${SUBSCRIPTION_KEY}`));
    parseTarget.run(good, env);
    good.route = billing;
    expect(checkSubscriptionKey.run(good, env)).toBe('continue');
    expect(good.query).toBe('page=2');

    const wrong = state(request('/billing/invoices', ['Ocp-Apim-Subscription-Key', 'not-the-key-at-all']));
    scanHeaders.run(wrong, env);
    wrong.route = billing;
    expect(checkSubscriptionKey.run(wrong, env)).toBe('subscription_key_invalid');

    const none = state(request('/billing/invoices'));
    none.route = billing;
    expect(checkSubscriptionKey.run(none, env)).toBe('subscription_key_missing');
  });
});

describe('request steps, run by the runner', () => {
  it('refuses a second Host before any route is chosen', () => {
    const { env, answers } = environment(config);
    const pending = runRequest(state(request('/api/orders', ['Host', 'a.example', 'Host', 'b.example'])), env);
    expect(pending).toBeUndefined();
    expect(answers.rejected).toEqual([{ reason: 'invalid_host', extras: undefined, route: undefined }]);
    expect(answers.proxied).toHaveLength(0);
  });

  it('proxies an anonymous route without running the token pipeline, claim headers from the client dropped', () => {
    const { env, answers } = environment(config);
    const pending = runRequest(state(request('/health', ['Host', 'api.example', 'Authorization', 'Bearer not-a-jwt', 'X-Roles', 'Admin'])), env);
    expect(pending).toBeUndefined();
    expect(answers.rejected).toHaveLength(0);
    expect(answers.proxied).toHaveLength(1);
    const proxied = answers.proxied[0];
    expect(proxied.validation).toBeNull();
    expect(proxied.forward).toEqual(['x-forwarded-for', '192.0.2.7', 'x-forwarded-proto', 'http', 'x-forwarded-host', 'api.example']);
  });

  it('answers a missing token synchronously, naming the route', () => {
    const { env, answers } = environment(config);
    const pending = runRequest(state(request('/api/orders')), env);
    expect(pending).toBeUndefined();
    expect(answers.rejected).toEqual([{ reason: 'missing_token', extras: { reason: 'missing_token', scope: undefined, claimsChallenge: undefined }, route: '* /api*' }]);
  });

  it('waits for a form body only when body tokens are on, then carries on with the token found in it', async () => {
    const { env, answers } = environment(parseGatewayConfig({ ...CONFIG_INPUT, token: { locations: { body: true } } }));
    const body = 'access_token=not.a.jwt';
    const req: GatewayRequest = {
      ...request('/api/orders', ['Host', 'api.example', 'Content-Type', 'application/x-www-form-urlencoded', 'Content-Length', String(body.length)], 'POST'),
      body: Readable.from([Buffer.from(body)]) as IncomingMessage,
    };
    const pending = runRequest(state(req), env);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    // Without the body's token this would be missing_token.
    expect(answers.rejected.map((r) => r.reason)).toEqual(['malformed_token']);
  });
});
