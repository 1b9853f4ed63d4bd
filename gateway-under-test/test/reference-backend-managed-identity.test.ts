import { createLocalJWKSet, jwtVerify } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { demoConfig, startReferenceGateway, type GatewayConfigInput, type ReferenceGateway } from '../index.ts';
import { BackendCredentials } from '../reference/backend-credentials.ts';
import { parseGatewayConfig } from '../reference/config.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';

/**
 * The reference gateway's backend credential from the host's managed identity, against the mock's App
 * Service and IMDS endpoints: the upstream receives the identity's token for its API, the token is
 * cached, and a refused identity is the gateway's 502, never the caller's token passed on.
 */
const HEADER = 'gateway-test-identity-header';
const WORKER = '0d4f6b8a-2c1e-4a3b-9d5f-7e8a9b0c1d2e';
const SYNC = { clientId: '7a9c1e3b-5d4f-4c6a-8b0d-2e4f6a8c0b1d', principalId: '2b4d6f8a-0c1e-4d3a-9f5b-7c9e1a3b5d7f' };
const ORDERS_API = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';

let idp: MockIdp;
let upstream: EchoUpstream;
const gateways: ReferenceGateway[] = [];

beforeAll(async () => {
  idp = await createMockIdp({ port: 0, identityHeader: HEADER });
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await upstream.close();
  await idp.close();
});

const tenantPath = () => `${idp.url}/${idp.tenant('contoso').id}`;

async function gateway(backendCredentials: GatewayConfigInput['backendCredentials']): Promise<ReferenceGateway> {
  const base = await demoConfig({ idpUrl: idp.url, upstreamUrl: upstream.url, port: 0 });
  const g = await startReferenceGateway({
    ...base,
    admin: false,
    log: { level: 'silent', accessLog: false },
    routes: [{ path: '/backend*', methods: ['GET'], backendCredentials: true }],
    backendCredentials,
  });
  gateways.push(g);
  return g;
}

async function callerToken(): Promise<string> {
  return (await idp.mint({ tenant: 'contoso' })).token;
}

async function send(g: ReferenceGateway) {
  const before = upstream.seen.length;
  const res = await request(`${g.url}/backend`, { headers: { authorization: `Bearer ${await callerToken()}` } });
  await res.body.dump();
  return { status: res.statusCode, reached: upstream.seen.slice(before) };
}

async function verify(authorization: string | string[] | undefined) {
  const jwks = createLocalJWKSet((await (await fetch(idp.tenant('contoso').jwksUri)).json()) as Parameters<typeof createLocalJWKSet>[0]);
  const token = String(authorization).replace(/^Bearer /, '');
  return (await jwtVerify(token, jwks, { issuer: idp.tenant('contoso').issuer, audience: ORDERS_API })).payload;
}

const tokenRequests = () => idp.control.requests.count({ tenant: 'contoso', endpoint: 'token' });

describe('backendCredentials.managedIdentity', () => {
  it('app-service: the upstream gets the system-assigned identity\'s token for the API, fetched once', async () => {
    const g = await gateway({ scope: 'api://orders-api/.default', managedIdentity: { source: 'app-service', endpoint: `${tenantPath()}/msi/token`, identityHeader: HEADER } });
    const before = tokenRequests();
    const a = await send(g);
    const b = await send(g);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await verify(a.reached[0].headers.authorization)).toMatchObject({ azp: WORKER, idtyp: 'app', roles: ['Orders.Read'] });
    expect(b.reached[0].headers.authorization).toBe(a.reached[0].headers.authorization);
    expect(tokenRequests() - before).toBe(1);
  });

  it('imds: a user-assigned identity by principal id', async () => {
    const g = await gateway({ scope: 'api://orders-api/.default', managedIdentity: { source: 'imds', endpoint: `${tenantPath()}/metadata/identity/oauth2/token`, principalId: SYNC.principalId } });
    const r = await send(g);
    expect(r.status).toBe(200);
    expect(await verify(r.reached[0].headers.authorization)).toMatchObject({ azp: SYNC.clientId, oid: SYNC.principalId, roles: ['Orders.Read', 'Orders.Write'] });
  });

  it('an identity the host does not have: 502, and nothing reaches the upstream', async () => {
    const g = await gateway({ scope: 'api://orders-api/.default', managedIdentity: { source: 'app-service', endpoint: `${tenantPath()}/msi/token`, identityHeader: HEADER, clientId: '99999999-9999-4999-8999-999999999999' } });
    const r = await send(g);
    expect(r.status).toBe(502);
    expect(r.reached).toEqual([]);
  });

  it('a wrong identity header: 502', async () => {
    const g = await gateway({ scope: 'api://orders-api/.default', managedIdentity: { source: 'app-service', endpoint: `${tenantPath()}/msi/token`, identityHeader: 'not-the-header' } });
    expect((await send(g)).status).toBe(502);
  });
});

describe('where the endpoint comes from when the config does not say', () => {
  const config = (managedIdentity: Record<string, unknown>) => parseGatewayConfig({
    issuers: [{ issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/keys' }],
    audiences: ['a'],
    routes: [{ path: '/', backendCredentials: true }],
    upstream: { url: 'http://127.0.0.1:1' },
    backendCredentials: { scope: 'api://orders-api/.default', managedIdentity },
  }).backendCredentials!;

  it('app-service reads IDENTITY_ENDPOINT and IDENTITY_HEADER, as Azure\'s SDKs do', async () => {
    const credentials = new BackendCredentials(config({ source: 'app-service' }), Date.now, { IDENTITY_ENDPOINT: `${tenantPath()}/msi/token`, IDENTITY_HEADER: HEADER });
    expect(await verify(`Bearer ${await credentials.token()}`)).toMatchObject({ azp: WORKER });
  });

  it('imds reads AZURE_POD_IDENTITY_AUTHORITY_HOST', async () => {
    const credentials = new BackendCredentials(config({ source: 'imds', clientId: SYNC.clientId }), Date.now, { AZURE_POD_IDENTITY_AUTHORITY_HOST: tenantPath() });
    expect(await verify(`Bearer ${await credentials.token()}`)).toMatchObject({ azp: SYNC.clientId });
  });

  it('app-service with neither the setting nor IDENTITY_ENDPOINT is a config error naming the key', () => {
    expect(() => new BackendCredentials(config({ source: 'app-service' }), Date.now, {})).toThrow(/backendCredentials\.managedIdentity\.endpoint/);
  });
});

describe('the config schema', () => {
  const base = { issuers: [{ issuer: 'https://i.example/', jwksUri: 'https://i.example/k' }], audiences: ['a'], routes: [{ path: '/' }], upstream: { url: 'http://127.0.0.1:1' } };

  it.each([
    ['managed identity and client credentials together', { scope: 's', clientId: 'c', managedIdentity: { source: 'imds' } }, 'backendCredentials.managedIdentity'],
    ['client credentials without a secret', { scope: 's', tokenEndpoint: 'http://127.0.0.1:1/t', clientId: 'c' }, 'backendCredentials.clientSecret'],
    ['two identity ids', { scope: 's', managedIdentity: { source: 'imds', clientId: 'c', resourceId: 'r' } }, 'backendCredentials.managedIdentity.clientId'],
    ['an identity header for IMDS', { scope: 's', managedIdentity: { source: 'imds', identityHeader: 'h' } }, 'backendCredentials.managedIdentity.identityHeader'],
  ])('refuses %s, naming the key', (_name, backendCredentials, key) => {
    expect(() => parseGatewayConfig({ ...base, backendCredentials })).toThrow(expect.objectContaining({ code: 'ERR_GATEWAY_CONFIG', key }));
  });
});
