import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { TargetProfile } from '../target.ts';
import { createAdminServer } from './admin-server.ts';
import { GatewayConfigError, parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from './config.ts';
import type { GatewayRuntime } from './gateway-runtime.ts';
import { listen, urlFor } from './listen.ts';
import { profileFromConfig } from './profile-from-config.ts';
import { createReferenceServer } from './server.ts';

export interface ReferenceGateway {
  /** Public base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Admin base URL (`/metrics`, `/healthz`), or null when disabled. */
  adminUrl: string | null;
  port: number;
  config: GatewayConfig;
  profile: TargetProfile;
  /** In-process internals (key caches, token cache); null when serving from cluster workers. */
  runtime: GatewayRuntime | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Epoch-ms clock for the pipeline and caches (tests move time with it). Single-process only. */
  now?: () => number;
  logger?: Logger;
}

/**
 * Starts the reference gateway: validates the config (throws GatewayConfigError naming the key),
 * warms the key caches (an unreachable IdP is not fatal: requests get 503 until keys arrive), binds the
 * public and admin ports. With `workers > 1` the public port is served by node:cluster workers, which
 * share nothing: each has its own key and token caches and rate-limit counters.
 */
export async function startReferenceGateway(input: GatewayConfigInput, options: StartOptions = {}): Promise<ReferenceGateway> {
  const config = parseGatewayConfig(input);
  return config.workers > 1 ? startCluster(config) : startSingle(config, options);
}

async function startSingle(config: GatewayConfig, options: StartOptions): Promise<ReferenceGateway> {
  const gateway = createReferenceServer(config, options);
  try {
    await gateway.runtime.start();
  } catch (err) {
    const index = config.issuers.findIndex((i) => i.keys);
    throw new GatewayConfigError(`issuers.${index}.keys`, (err as Error).message);
  }
  let admin: Server | null = null;
  try {
    const port = await listen(gateway.server, config.listen.host, config.listen.port);
    let adminUrl: string | null = null;
    if (config.admin) {
      admin = createAdminServer(
        async () => ({ contentType: gateway.metrics.registry.contentType, body: await gateway.metrics.registry.metrics() }),
        () => health(gateway.runtime),
      );
      adminUrl = urlFor(config.admin.host, await listen(admin, config.admin.host, config.admin.port, 'admin'));
    }
    const url = urlFor(config.listen.host, port);
    gateway.logger.info({ event: 'gateway_listening', url, adminUrl }, 'reference gateway listening');
    return {
      url,
      adminUrl,
      port,
      config,
      profile: profileFromConfig(config),
      runtime: gateway.runtime,
      stop: once(async () => {
        await Promise.all([gateway.close(), admin ? closeServer(admin) : undefined]);
      }),
    };
  } catch (err) {
    await gateway.close();
    if (admin) await closeServer(admin);
    throw err;
  }
}

async function startCluster(config: GatewayConfig): Promise<ReferenceGateway> {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.ts', import.meta.url)), silent: false });
  const workers: Worker[] = [];
  let port: number;
  const env = { GATECHECK_GATEWAY_CONFIG: '' };
  const fork = (p: number) =>
    new Promise<number>((resolve, reject) => {
      env.GATECHECK_GATEWAY_CONFIG = JSON.stringify({ ...config, listen: { ...config.listen, port: p }, admin: false, workers: 1 });
      const worker = cluster.fork(env);
      workers.push(worker);
      const onExit = (code: number) => reject(new Error(`gateway worker exited with code ${code} before listening`));
      worker.once('exit', onExit);
      worker.on('message', (m: { type?: string; port?: number }) => {
        if (m?.type === 'gatecheck:listening' && typeof m.port === 'number') {
          worker.off('exit', onExit);
          resolve(m.port);
        }
      });
    });
  const stopWorkers = () =>
    Promise.all(workers.filter((w) => !w.isDead()).map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.kill('SIGTERM');
    })));
  try {
    // Every worker asks for the configured port, 0 included: the primary keys its shared handle on
    // (host, port), so asking for the port the first one got would try to bind it a second time.
    const ports = await Promise.all(Array.from({ length: config.workers }, () => fork(config.listen.port)));
    port = ports[0];
  } catch (err) {
    await stopWorkers();
    throw err;
  }
  const aggregator = new AggregatorRegistry();
  let admin: Server | null = null;
  let adminUrl: string | null = null;
  if (config.admin) {
    admin = createAdminServer(
      async () => ({ contentType: aggregator.contentType, body: await (await aggregator.clusterMetrics()).toString() }),
      () => ({ status: 'ok', workers: workers.filter((w) => !w.isDead()).length }),
    );
    adminUrl = urlFor(config.admin.host, await listen(admin, config.admin.host, config.admin.port, 'admin'));
  }
  return {
    url: urlFor(config.listen.host, port),
    adminUrl,
    port,
    config,
    profile: profileFromConfig(config),
    runtime: null,
    stop: once(async () => {
      await Promise.all([stopWorkers(), admin ? closeServer(admin) : undefined]);
    }),
  };
}

function health(runtime: GatewayRuntime): object {
  const caches = runtime.jwksCaches();
  return {
    status: caches.every((c) => c.hasKeys()) ? 'ok' : 'degraded',
    keySources: caches.map((c) => ({ issuer: c.source.issuer, keys: c.keys().length, lastError: c.lastError })),
    tokenCacheEntries: runtime.tokenCache?.size ?? 0,
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** stop() may be called by a test's finally and again by its afterAll. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
