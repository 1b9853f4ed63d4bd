import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_AUDIENCE, demoConfig, startHaproxy, startReferenceGateway, type GatewayConfigInput } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { didYouMean } from '../../suites/harness/did-you-mean.ts';
import { startEchoUpstream, type EchoUpstream } from '../../suites/harness/echo-upstream.ts';
import { LoadInputError } from './load-input-error.ts';
import { controlApiPoolSource, mockIdpPoolSource, type PoolSource } from './pool-source.ts';

/** `--target` names besides a URL: the reference gateway and the real-gateway adapters load can start. */
export const LOAD_TARGET_NAMES = ['reference', 'haproxy'] as const;

export interface StartedLoadTarget {
  name: string;
  url: string;
  /** Printed with the result: how this target was configured for the run. */
  notes: string[];
  stop(): Promise<void>;
}

export interface LoadEnvironment {
  /** Mints the scenario's tokens. */
  source: PoolSource;
  /** The mock IdP the events drive; absent when a URL target was given without --idp. */
  control?: { idpUrl: string; adminToken?: string };
  startTarget(name: string): Promise<StartedLoadTarget>;
  stop(): Promise<void>;
}

export interface LoadEnvironmentOptions {
  /** A mock IdP already running (for URL targets that trust it); otherwise one starts in process. */
  idpUrl?: string;
  adminToken?: string;
  /** node:cluster workers for the reference gateway; 1 serves it from this process. */
  gatewayWorkers?: number;
  /**
   * How often the reference gateway refreshes the JWKS. Short by default so a scenario of seconds
   * sees refreshes happen during a key rotation or an outage window, not only at start-up.
   */
  jwksRefreshSeconds?: number;
}

/** The reference gateway's demo config plus an anonymous `/pass*` route: the same server's baseline. */
export async function referenceLoadConfig(idpUrl: string, upstreamUrl: string, options: LoadEnvironmentOptions = {}): Promise<GatewayConfigInput> {
  const base = await demoConfig({ idpUrl, upstreamUrl, port: 0 });
  return {
    ...base,
    admin: false,
    workers: options.gatewayWorkers ?? 1,
    routes: [{ path: '/pass*', auth: 'anonymous' }, ...(base.routes ?? [])],
    jwks: { refreshSeconds: options.jwksRefreshSeconds ?? 5, failedRetrySeconds: Math.min(1, options.jwksRefreshSeconds ?? 5) },
    log: { level: 'silent', accessLog: false },
  };
}

/**
 * Starts what a load run needs around the target: the mock IdP (in process, unless one is given),
 * and on demand each gateway to measure with the echo upstream it forwards to, all on loopback.
 */
export async function startLoadEnvironment(options: LoadEnvironmentOptions = {}): Promise<LoadEnvironment> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    let idp: MockIdp | undefined;
    if (!options.idpUrl) {
      idp = await createMockIdp({ port: 0 });
      cleanups.push(() => idp!.close());
    }
    // Only gateways started here forward to it; a URL target has its own upstream.
    let upstream: EchoUpstream | undefined;
    const upstreamUrl = async () => {
      if (!upstream) {
        const started = await startEchoUpstream({ record: false });
        cleanups.push(() => started.close());
        upstream = started;
      }
      return upstream.url;
    };
    const idpUrl = options.idpUrl ?? idp!.url;
    const control = { idpUrl, ...(options.adminToken ? { adminToken: options.adminToken } : {}) };
    const source = idp ? mockIdpPoolSource(idp) : controlApiPoolSource(idpUrl, options.adminToken);

    const startTarget = async (name: string): Promise<StartedLoadTarget> => {
      if (/^https?:\/\//i.test(name)) {
        return { name, url: name.replace(/\/$/, ''), notes: [`${name}: started elsewhere; it must trust the mock IdP at ${idpUrl}`], stop: async () => {} };
      }
      if (!idp && name !== 'reference') throw new LoadInputError('ERR_UNKNOWN_TARGET', `--target ${name} needs the in-process mock IdP; drop --idp`);
      if (name === 'reference') {
        const config = await referenceLoadConfig(idpUrl, await upstreamUrl(), options);
        const gateway = await startReferenceGateway(config);
        return {
          name,
          url: gateway.url,
          notes: [`reference gateway: ${config.workers} worker(s), JWKS refresh every ${options.jwksRefreshSeconds ?? 5} s, access log off`],
          stop: () => gateway.stop(),
        };
      }
      if (name === 'haproxy') {
        const dir = mkdtempSync(join(tmpdir(), 'gatecheck-load-haproxy-'));
        const publicKeyFile = join(dir, 'public.pem');
        writeFileSync(publicKeyFile, idp!.keys('contoso').primary().publicKey.export({ format: 'pem', type: 'spki' }));
        const haproxy = await startHaproxy({
          upstream: await upstreamUrl(),
          issuer: idp!.tenant('contoso').issuer,
          audience: DEMO_AUDIENCE,
          requiredRole: 'Orders.Read',
          passThroughPath: '/pass',
          accessLog: false,
          publicKeyFile,
        });
        return {
          name,
          url: haproxy.url,
          notes: ['haproxy: jwt_verify with the primary key as a static PEM (no JWKS: rotation and next-key tokens are refused by design)'],
          stop: async () => {
            await haproxy.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      throw new LoadInputError('ERR_UNKNOWN_TARGET', `unknown target "${name}"${didYouMean(name, LOAD_TARGET_NAMES)}; use one of ${LOAD_TARGET_NAMES.join(', ')} or an http(s) URL`);
    };
    return { source, control, startTarget, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
