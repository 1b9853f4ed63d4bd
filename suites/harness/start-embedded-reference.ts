import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig, startReferenceGateway, type GatewayConfigInput } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp, type TenantInfo } from '../../mock-idp/index.ts';
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
 * the gateway trusting tenant contoso (and, through Entra's `{tenantid}` template, an allow-list of the
 * mock's tenants). On top of the demo config: a rate-limited route so rate-limit cases have something
 * to count, an anonymous prefix route and a route with another requirement for the path-confusion
 * cases to climb out of and into, `X-Gatecheck-Reason` so findings name the gateway's reason, a quarter-second unknown-kid
 * cooldown so key-rotation cases late in the run are not blocked by a refetch an earlier case caused,
 * and the IdP-fault cases, which wait out the cooldown to prove a fetch (about a dozen of them, one
 * after another), wait little (the throttling itself is still observable within a case: a flood of
 * unknown kids arrives in a few tens of milliseconds), a 1 s key-fetch timeout so the case whose JWKS
 * never answers waits that long rather than the production 5 s, and the mock's CA trusted for key
 * fetches (`jwks.caFile`), and continuous access evaluation from the mock's revocation list.
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
    // The gateway trusts the mock's CA, as it would a private IdP's, so the TLS-fault cases prove that a
    // wrong-host certificate from that very CA is still refused.
    const caDir = mkdtempSync(join(tmpdir(), 'gatecheck-embedded-ca-'));
    stops.push(async () => rmSync(caDir, { recursive: true, force: true }));
    const caFile = join(caDir, 'idp-ca.pem');
    writeFileSync(caFile, await idp.tlsFaults.ca());
    const config: GatewayConfigInput = {
      ...demo,
      issuers: [...demo.issuers, ...multiTenantIssuer(idp, tenant)],
      admin: false,
      exposeReason: true,
      log: { level: 'silent', accessLog: false },
      jwks: { unknownKidCooldownSeconds: 0.25, timeoutMs: 1000, caFile },
      routes: [
        ...demo.routes,
        { path: '/api/limited*', methods: ['GET'], require: { values: ['Orders.Read'], claims: ['roles', 'scp'], match: 'any' }, rateLimit: 'per-caller' },
        // An anonymous prefix and a GET route with another requirement: what path-confusion cases (http/)
        // climb out of and into, as real deployments have (static files, health, other APIs).
        { path: '/public*', methods: ['GET'], auth: 'anonymous' },
        { path: '/api/reports*', methods: ['GET'], require: { values: ['Reports.Read'], claims: ['roles', 'scp'], match: 'any' } },
      ],
      rateLimits: { 'per-caller': { key: ['tid', 'sub'], limit: 5, windowSeconds: 10 } },
      // Continuous access evaluation from the mock's revocation list, polled often enough that a
      // revocation shows within the list's max-age, which is all the CAE cases wait.
      cae: { revocationLists: [tenant.revocationList], refreshSeconds: 0.25 },
    };
    const gateway = await startReferenceGateway(options.configure ? options.configure(config) : config);
    stops.push(() => gateway.stop());
    return {
      name: 'reference',
      baseUrl: gateway.url,
      // The gateway fetches its keys from this mock at run time (through discovery, trusting the mock's
      // CA), so the mock's faults, rotations, extra keys, rewritten documents and TLS listeners reach it.
      profile: {
        ...gateway.profile,
        features: [...gateway.profile.features, 'idp-faults', 'key-rotation', 'idp-weak-key', 'idp-discovery-control', 'idp-tls-faults', 'idp-huge-jwks'],
      },
      idp: idpDriver(idp, 'contoso'),
      upstream,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Entra's multi-tenant form beside the single-tenant issuer: `{tenantid}` in the issuer and discovery
 * URL, allow-listing the mock's other tenant and contoso (each tenant's keys from its own discovery
 * document, as Entra's per-tenant endpoints serve them). The other tenant comes first: the cases probe
 * the template with the first allow-listed tenant, and contoso's tokens match the exact issuer before
 * any template. None when the mock has a single tenant.
 */
function multiTenantIssuer(idp: MockIdp, home: TenantInfo): NonNullable<GatewayConfigInput['issuers']> {
  const other = idp.tenants.find((t) => t.id !== home.id);
  if (!other || !home.issuer.includes(home.id)) return [];
  const template = (url: string) => url.replace(home.id, '{tenantid}').replace(`/${home.name}/`, '/{tenantid}/');
  return [{ issuer: template(home.issuer), tenants: [other.id, home.id], discoveryUrl: template(home.discoveryUrl), algorithms: ['RS256'] }];
}
