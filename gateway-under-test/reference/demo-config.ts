import type { GatewayConfigInput } from './config.ts';
import { GatecheckError } from '../../errors/index.ts';

/** The mock IdP's tenant contoso and its orders-api app registration (fixtures/tenants). */
export const DEMO_TENANT_ID = '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c';
/** orders-api's application id: v2 access tokens carry it as `aud`. */
export const DEMO_AUDIENCE = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';

export interface DemoOptions {
  idpUrl: string;
  upstreamUrl: string;
  port?: number;
  /** The tenant's v2 issuer; by default read from the discovery document. */
  issuer?: string;
}

/**
 * Demo mode: trust tenant contoso of a mock IdP for orders-api; `GET /api/orders*` needs role or scope
 * Orders.Read, `POST /api/orders*` Orders.Write, `GET /health` is anonymous. The issuer is read from
 * discovery so the printed config is complete and can be saved as a file.
 */
export async function demoConfig(options: DemoOptions): Promise<GatewayConfigInput> {
  const base = options.idpUrl.replace(/\/$/, '');
  const discoveryUrl = `${base}/contoso/v2.0/.well-known/openid-configuration`;
  const issuer = options.issuer ?? (await discoverIssuer(discoveryUrl));
  return {
    listen: { host: '127.0.0.1', port: options.port ?? 8080 },
    issuers: [{ issuer, discoveryUrl, algorithms: ['RS256'] }],
    audiences: [DEMO_AUDIENCE],
    routes: [
      { path: '/health', methods: ['GET'], auth: 'anonymous' },
      { path: '/api/orders*', methods: ['GET'], require: { values: ['Orders.Read'], claims: ['roles', 'scp'], match: 'any' } },
      { path: '/api/orders*', methods: ['POST'], require: { values: ['Orders.Write'], claims: ['roles', 'scp'], match: 'any' } },
    ],
    upstream: { url: options.upstreamUrl },
  };
}

export class DemoDiscoveryError extends GatecheckError {
  constructor(message: string) {
    super('ERR_DEMO_DISCOVERY', message);
  }
}

async function discoverIssuer(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
  } catch (err) {
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    const origin = new URL(url).origin;
    // The demo's IdP is usually `gatecheck idp` started a moment before: say how, with its port.
    const fix = cause?.code === 'ECONNREFUSED' ? `nothing listens there; start the mock first (npx gatecheck idp --port ${new URL(url).port || 80}) or give --idp the URL of a running one` : cause instanceof Error ? cause.message : (err as Error).message;
    throw new DemoDiscoveryError(`cannot reach the IdP at ${origin}: ${fix}`);
  }
  const doc = (await res.json().catch(() => null)) as { issuer?: unknown } | null;
  if (!res.ok || typeof doc?.issuer !== 'string') throw new DemoDiscoveryError(`${url} answered ${res.status} without an issuer`);
  return doc.issuer;
}
