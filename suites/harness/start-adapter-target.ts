import { ADAPTERS, CONTAINER_ADAPTERS, ContainerUnavailableError, DEMO_AUDIENCE, type AdapterInput } from '../../gateway-under-test/index.ts';
import { createMockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { HarnessError } from './harness-error.ts';
import { idpDriver } from './idp-driver.ts';
import type { RunTarget } from './run-target.ts';

/** A started real gateway; pid and port let tests prove that stop() left nothing behind. */
export interface AdapterRunTarget extends RunTarget {
  pid: number;
  port: number;
}

export interface AdapterTargetOptions {
  /** Keep the gateway's logs in this directory after stop. */
  logsDir?: string;
}

/**
 * A real gateway as a suite target: an HTTPS mock IdP (mod_auth_openidc refuses an http JWKS) whose
 * local CA the gateway trusts, an echo upstream, and the adapter's process configured for tenant
 * contoso and orders-api. Gateways that fetch the mock's JWKS see its faults and rotations; HAProxy
 * gets the published keys as PEM files at start, so for it those cases are skipped.
 */
export async function startAdapterTarget(name: string, options: AdapterTargetOptions = {}): Promise<AdapterRunTarget> {
  const adapter = Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name] : Object.hasOwn(CONTAINER_ADAPTERS, name) ? CONTAINER_ADAPTERS[name] : undefined;
  if (!adapter) throw new HarnessError('ERR_UNKNOWN_TARGET', `unknown target "${name}"`);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const idp = await createMockIdp({ port: 0, tls: true });
    stops.push(() => idp.close());
    if (!idp.caPath) throw new HarnessError('ERR_IDP_CONTROL', 'the mock IdP started without a CA file although tls was asked for');
    const upstream = await startEchoUpstream();
    stops.push(() => upstream.close());
    const tenant = idp.tenant('contoso');
    const input: AdapterInput = {
      upstream: upstream.url,
      issuer: tenant.issuer,
      audience: DEMO_AUDIENCE,
      jwksUri: tenant.jwksUri,
      caFile: idp.caPath,
      publicKeyPems: idp.keys('contoso').published().map((k) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
      logsDir: options.logsDir,
    };
    let gateway;
    try {
      gateway = await adapter.start(input);
    } catch (e) {
      // A container target that cannot run here is reported, case by case, as skipped with the reason.
      if (e instanceof ContainerUnavailableError) {
        return { name, baseUrl: 'about:unavailable', pid: 0, port: 0, profile: adapter.profile(input), idp: idpDriver(idp, 'contoso'), upstream, unavailable: e.message, stop: stopAll };
      }
      throw new HarnessError('ERR_TARGET_UNREACHABLE', `${name} did not start: ${(e as Error).message}`);
    }
    stops.push(() => gateway.stop());
    const live = gateway.profile.issuers.some((i) => i.keySource === 'jwks');
    const features = live ? [...new Set([...gateway.profile.features, 'idp-faults', 'key-rotation'])] : gateway.profile.features;
    return {
      name,
      baseUrl: gateway.url,
      pid: gateway.pid,
      port: gateway.port,
      profile: { ...gateway.profile, features },
      idp: idpDriver(idp, 'contoso'),
      upstream,
      logs: () => gateway.logs(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
