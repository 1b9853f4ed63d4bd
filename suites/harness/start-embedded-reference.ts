import { demoConfig, startReferenceGateway, type GatewayConfigInput } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { idpDriver } from './idp-driver.ts';
import type { RunTarget } from './run-target.ts';

export interface EmbeddedReferenceOptions {
  /** Changes to the embedded config (tests build deliberately weakened gateways this way). */
  configure?: (config: GatewayConfigInput) => GatewayConfigInput;
  /** Use this IdP (left running on stop) instead of starting one. */
  idp?: MockIdp;
}

/**
 * The embedded default target: mock IdP, echo upstream and the reference gateway, all in this process,
 * the gateway trusting tenant contoso. On top of the demo config: a rate-limited route so rate-limit
 * cases have something to count, `X-Gatecheck-Reason` so findings name the gateway's reason, a
 * half-second unknown-kid cooldown so key-rotation cases late in the run are not blocked by a refetch
 * an earlier case caused, and the IdP-fault cases, which wait out the cooldown to prove a fetch, wait
 * little (the throttling itself is still observable within a case: a flood of unknown kids arrives in
 * a few milliseconds), and a 1 s key-fetch timeout so the case whose JWKS never answers waits that long
 * rather than the production 5 s.
 */
export async function startEmbeddedReference(options: EmbeddedReferenceOptions = {}): Promise<RunTarget> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const idp = options.idp ?? (await createMockIdp({ port: 0 }));
    if (!options.idp) stops.push(() => idp.close());
    const upstream = await startEchoUpstream();
    stops.push(() => upstream.close());
    const tenant = idp.tenant('contoso');
    const demo = await demoConfig({ idpUrl: idp.url, upstreamUrl: upstream.url, port: 0, issuer: tenant.issuer });
    const config: GatewayConfigInput = {
      ...demo,
      admin: false,
      exposeReason: true,
      log: { level: 'silent', accessLog: false },
      jwks: { unknownKidCooldownSeconds: 0.5, timeoutMs: 1000 },
      routes: [
        ...demo.routes,
        { path: '/api/limited*', methods: ['GET'], require: { values: ['Orders.Read'], claims: ['roles', 'scp'], match: 'any' }, rateLimit: 'per-caller' },
      ],
      rateLimits: { 'per-caller': { key: ['tid', 'sub'], limit: 5, windowSeconds: 10 } },
    };
    const gateway = await startReferenceGateway(options.configure ? options.configure(config) : config);
    stops.push(() => gateway.stop());
    return {
      name: 'reference',
      baseUrl: gateway.url,
      // The gateway fetches its keys from this mock at run time, so the mock's faults and rotations reach it.
      profile: { ...gateway.profile, features: [...gateway.profile.features, 'idp-faults', 'key-rotation'] },
      idp: idpDriver(idp, 'contoso'),
      upstream,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
