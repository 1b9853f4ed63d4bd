import type { TargetProfile } from '../../gateway-under-test/index.ts';
import { createMockIdp, MockIdpConfigError } from '../../mock-idp/index.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { HarnessError } from './harness-error.ts';
import { idpDriver } from './idp-driver.ts';
import type { RunTarget } from './run-target.ts';

export interface RemoteTargetOptions {
  url: string;
  profile: TargetProfile;
  /** A running mock IdP (its control API is used). Absent: one is started here, on the port the profile's issuer names. */
  idpUrl?: string;
  /** Where the echo upstream listens; the gateway must be configured to forward there. */
  upstreamPort?: number;
}

export const DEFAULT_UPSTREAM_PORT = 9480;

/**
 * Any gateway at a URL, described by a profile file. The gateway must trust the mock IdP and forward
 * to the echo upstream; when no `--idp` is given the mock is started on the host and port the profile's
 * first issuer points at, so issuer strings in minted tokens match what the gateway expects.
 */
export async function startRemoteTarget(options: RemoteTargetOptions): Promise<RunTarget> {
  let base: URL;
  try {
    base = new URL(options.url);
    if (!/^https?:$/.test(base.protocol)) throw new Error('not http(s)');
  } catch {
    throw new HarnessError('ERR_UNKNOWN_TARGET', `--target ${options.url} is neither a known target name nor an http(s) URL`);
  }
  const issuer = options.profile.issuers[0];
  const tenant = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(issuer.issuer)?.[0] ?? 'contoso';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let driver;
    if (options.idpUrl) {
      driver = idpDriver(options.idpUrl, tenant);
    } else {
      const at = new URL(issuer.discoveryUrl ?? issuer.jwksUri ?? issuer.issuer);
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(at.hostname) || at.protocol !== 'http:') {
        throw new HarnessError('ERR_TARGET_PROFILE', `the profile's issuer ${issuer.issuer} is not a loopback http URL; start the mock IdP yourself and pass --idp URL`);
      }
      const port = Number(at.port || 80);
      let idp;
      try {
        idp = await createMockIdp({ port, host: at.hostname === 'localhost' ? '127.0.0.1' : at.hostname.replace(/^\[|\]$/g, '') });
      } catch (e) {
        // `run` has no port flag for the IdP (the port is the profile's): use the IdP that holds it, or free it.
        const busy = e instanceof MockIdpConfigError && e.port !== undefined;
        throw new HarnessError('ERR_IDP_CONTROL', `cannot start the mock IdP on ${at.host} (from the profile's issuer): ${(e as Error).message}${busy ? `; if a mock IdP already serves it, pass --idp ${at.origin}, else free the port` : ''}`);
      }
      stops.push(() => idp.close());
      driver = idpDriver(idp, tenant);
    }
    const upstreamPort = options.upstreamPort ?? DEFAULT_UPSTREAM_PORT;
    const upstream = await startEchoUpstream({ port: upstreamPort }).catch((e: Error) => {
      throw new HarnessError('ERR_TARGET_UNREACHABLE', `cannot start the echo upstream on port ${upstreamPort}: ${e.message}`);
    });
    stops.push(() => upstream.close());
    // Faults and rotations reach the gateway only when it fetches its keys from this very mock.
    const idpOrigin = new URL(driver.url).origin;
    const live = options.profile.issuers.some((i) => i.keySource !== 'static' && [i.discoveryUrl, i.jwksUri].some((u) => u && new URL(u).origin === idpOrigin));
    const features = live ? [...new Set([...options.profile.features, 'idp-faults', 'key-rotation'])] : options.profile.features;
    return { name: options.profile.name, baseUrl: base.origin, profile: { ...options.profile, features }, idp: driver, upstream, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
