import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { fileProblem } from '../file-problem.ts';
import { GatewayConfigError, TENANT_PLACEHOLDER, type GatewayConfig, type IssuerConfig } from './config.ts';
import { claimHeaders } from './claim-headers.ts';
import { JwksCache, type JwksEvents } from './jwks-cache.ts';
import { normaliseType } from './pipeline/check-type.ts';
import { RevocationLists } from './pipeline/revocation-lists.ts';
import type { CompiledIssuer, PipelineEnv } from './pipeline/types.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export interface GatewayRuntime {
  env: PipelineEnv;
  tokenCache: VerifiedTokenCache | null;
  /** Every JWKS cache created so far (per-tenant caches appear as tenants are started). */
  jwksCaches(): JwksCache[];
  /** Warms every key cache; never throws for an unreachable IdP (requests then get 503). */
  start(): Promise<void>;
  stop(): void;
}

/** Turns the config into what the pipeline reads on every request: lookup tables and key caches. */
export function createGatewayRuntime(config: GatewayConfig, events: JwksEvents = {}, now: () => number = Date.now): GatewayRuntime {
  const tokenCache = config.tokenCache.enabled ? new VerifiedTokenCache(config.tokenCache.maxEntries, config.tokenCache.maxBytes, config.tokenCache.admitOnSecondSighting) : null;
  const all: JwksCache[] = [];
  const dispatcher = keyFetchDispatcher(config.jwks.caFile);
  const jwksOptions = { ...config.jwks, ...(dispatcher ? { dispatcher } : {}) };
  const cacheEvents: JwksEvents = {
    ...events,
    onKeysRemoved(records) {
      tokenCache?.dropKeys(records);
      events.onKeysRemoved?.(records);
    },
  };
  const makeCache = (issuer: IssuerConfig, tenant: string | undefined): JwksCache => {
    const sub = (s: string | undefined) => (s !== undefined && tenant !== undefined ? s.replaceAll(TENANT_PLACEHOLDER, tenant) : s);
    const cache = new JwksCache(
      {
        // A per-tenant discovery document names its tenant's issuer; a shared one (Entra `common`) names the template.
        issuer: sub(issuer.issuer)!,
        discoveryUrl: sub(issuer.discoveryUrl),
        jwksUri: sub(issuer.jwksUri),
        keys: issuer.keys,
      },
      jwksOptions,
      cacheEvents,
      now,
    );
    all.push(cache);
    return cache;
  };

  const issuersExact = new Map<string, CompiledIssuer>();
  const issuersTemplated: CompiledIssuer[] = [];
  for (const issuer of config.issuers) {
    const templated = issuer.issuer.includes(TENANT_PLACEHOLDER);
    const perTenant = templated && [issuer.discoveryUrl, issuer.jwksUri].some((u) => u?.includes(TENANT_PLACEHOLDER));
    let jwksFor: (tenant: string | undefined) => JwksCache;
    if (perTenant) {
      const byTenant = new Map<string, JwksCache>();
      for (const tenant of issuer.tenants ?? []) byTenant.set(tenant, makeCache(issuer, tenant));
      jwksFor = (tenant) => byTenant.get(tenant!)!;
    } else {
      const shared = makeCache(issuer, undefined);
      jwksFor = () => shared;
    }
    const [prefix, suffix] = issuer.issuer.split(TENANT_PLACEHOLDER);
    const compiled: CompiledIssuer = {
      config: issuer,
      template: templated ? { prefix, suffix } : null,
      tenants: new Set(issuer.tenants ?? []),
      algorithms: new Set(issuer.algorithms),
      audiences: new Set(issuer.audiences ?? config.audiences),
      jwksFor,
    };
    if (templated) issuersTemplated.push(compiled);
    else issuersExact.set(issuer.issuer, compiled);
  }

  const revocations = config.cae
    ? new RevocationLists(config.cae.revocationLists, { refreshSeconds: config.cae.refreshSeconds, timeoutMs: config.cae.timeoutMs, maxBytes: config.cae.maxBytes, dispatcher })
    : undefined;
  const env: PipelineEnv = {
    config,
    ...(revocations ? { revocations } : {}),
    issuersExact,
    issuersTemplated,
    types: new Set(config.token.types.map(normaliseType)),
    understoodCritical: new Set(config.token.understoodCritical),
    tokenCache,
    upstreamHeadersFor: claimHeaders(config.claimHeaders),
    now,
  };

  return {
    env,
    tokenCache,
    jwksCaches: () => all,
    async start() {
      await Promise.all([...all.map((c) => c.start()), revocations?.start()]);
    },
    stop() {
      for (const c of all) c.stop();
      revocations?.stop();
      void dispatcher?.close();
    },
  };
}

/** The system roots plus the configured CA file, for key fetches only; full verification stays on. */
function keyFetchDispatcher(caFile: string | undefined): Dispatcher | undefined {
  if (caFile === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new GatewayConfigError('jwks.caFile', `cannot read CA certificate ${caFile}: ${fileProblem(caFile, err)}; point jwks.caFile at the PEM file the mock IdP printed (gatecheck idp --tls)`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new GatewayConfigError('jwks.caFile', `${caFile} holds no PEM certificate`);
  return new Agent({ connect: { ca: [...rootCertificates, pem] } });
}
