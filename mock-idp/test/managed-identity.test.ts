import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';
import { CONTOSO } from './support/entra-client.ts';

/**
 * Managed identities as code running in Azure meets them: App Service's IDENTITY_ENDPOINT and the VM
 * metadata service (IMDS), each with its request shape and its own error shape, driven over HTTP and by
 * @azure/identity's ManagedIdentityCredential and DefaultAzureCredential with nothing but environment
 * variables set. Every token is verified with jose against the tenant's JWKS and issuer.
 */
const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const WORKER = {
  clientId: '0d4f6b8a-2c1e-4a3b-9d5f-7e8a9b0c1d2e',
  principalId: '5c7e9a1b-3d2f-4b4c-8e6a-0f1a2b3c4d5e',
  resourceId: '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/orders/providers/Microsoft.Web/sites/orders-worker',
};
const SYNC = {
  clientId: '7a9c1e3b-5d4f-4c6a-8b0d-2e4f6a8c0b1d',
  principalId: '2b4d6f8a-0c1e-4d3a-9f5b-7c9e1a3b5d7f',
  resourceId: '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/orders/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-sync',
};
const UNKNOWN = '99999999-9999-4999-8999-999999999999';
const HEADER = 'mock-identity-header-for-tests';

let idp: MockIdp;
let appService: string;
let imds: string;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0, identityHeader: HEADER });
  appService = `${idp.url}/${CONTOSO.id}/msi/token`;
  imds = `${idp.url}/${CONTOSO.id}/metadata/identity/oauth2/token`;
  jwks = createLocalJWKSet((await (await fetch(idp.tenant('contoso').jwksUri)).json()) as Parameters<typeof createLocalJWKSet>[0]);
});
afterAll(() => idp.close());

async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method, headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

async function verifyV2(token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, jwks, { issuer: idp.tenant('contoso').issuer, audience: CONTOSO.ordersApi, algorithms: ['RS256'] });
  return payload;
}

/** What every managed identity's token says about the identity (access-token-claims-reference; `xms_mirid` as Azure writes it). */
function identityClaims(identity: typeof WORKER) {
  return { azp: identity.clientId, azpacr: '2', oid: identity.principalId, sub: identity.principalId, idtyp: 'app', tid: CONTOSO.id, ver: '2.0', xms_mirid: identity.resourceId };
}

describe('App Service (IDENTITY_ENDPOINT, api-version 2019-08-01)', () => {
  const ok = { 'X-IDENTITY-HEADER': HEADER };

  test('without an identity parameter: the system-assigned identity, answered as App Service answers', async () => {
    const res = await get(`${appService}${q({ resource: 'api://orders-api', 'api-version': '2019-08-01' })}`, ok);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'client_id', 'expires_on', 'not_before', 'resource', 'token_type']);
    expect(res.body).toMatchObject({ resource: 'api://orders-api', token_type: 'Bearer', client_id: WORKER.clientId });
    const payload = await verifyV2(res.body.access_token);
    expect(payload).toMatchObject({ ...identityClaims(WORKER), roles: ['Orders.Read'] });
    // Times are strings of epoch seconds, and they are the token's.
    expect(res.body.expires_on).toBe(String(payload.exp));
    expect(res.body.not_before).toBe(String(payload.nbf));
  });

  test.each([
    ['client_id', SYNC.clientId],
    ['principal_id', SYNC.principalId],
    ['object_id', SYNC.principalId],
    ['mi_res_id', SYNC.resourceId],
  ])('a user-assigned identity named by %s', async (name, value) => {
    const res = await get(`${appService}${q({ resource: CONTOSO.ordersApi, 'api-version': '2019-08-01', [name]: value })}`, ok);
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe(SYNC.clientId);
    expect(await verifyV2(res.body.access_token)).toMatchObject({ ...identityClaims(SYNC), roles: ['Orders.Read', 'Orders.Write'] });
  });

  test.each([
    ['no X-IDENTITY-HEADER', {}, q({ resource: 'api://orders-api', 'api-version': '2019-08-01' }), 401, /X-IDENTITY-HEADER request header is missing/],
    ['a wrong X-IDENTITY-HEADER', { 'X-IDENTITY-HEADER': 'guessed' }, q({ resource: 'api://orders-api', 'api-version': '2019-08-01' }), 401, /not the value of IDENTITY_HEADER/],
    ['no api-version', ok, q({ resource: 'api://orders-api' }), 400, /api-version is missing/],
    ['the 2017-09-01 protocol', ok, q({ resource: 'api://orders-api', 'api-version': '2017-09-01' }), 400, /api-version 2017-09-01 is not supported/],
    ['no resource', ok, q({ 'api-version': '2019-08-01' }), 400, /resource query parameter is missing/],
    ['an identity the host does not have', ok, q({ resource: 'api://orders-api', 'api-version': '2019-08-01', client_id: UNKNOWN }), 400, /^Unable to load the proper Managed Identity\.$/],
    ['two identity parameters', ok, q({ resource: 'api://orders-api', 'api-version': '2019-08-01', client_id: SYNC.clientId, mi_res_id: SYNC.resourceId }), 400, /Only one of client_id, principal_id, object_id and mi_res_id/],
    ['a resource the tenant does not have', ok, q({ resource: 'api://nowhere', 'api-version': '2019-08-01' }), 400, /^AADSTS500011: The resource principal named api:\/\/nowhere was not found/],
  ])('%s: App Service\'s error shape', async (_name, headers, query, status, message) => {
    const res = await get(`${appService}${query}`, headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(Object.keys(res.body).sort()).toEqual(['correlationId', 'message', 'statusCode']);
    expect(res.body.statusCode).toBe(status);
    expect(res.body.message).toMatch(message);
    expect(res.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a POST is refused with 405 and Allow: GET', async () => {
    const res = await get(`${appService}${q({ resource: 'api://orders-api', 'api-version': '2019-08-01' })}`, ok, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.body.statusCode).toBe(405);
  });
});

describe('IMDS (/metadata/identity/oauth2/token, api-version 2018-02-01)', () => {
  const ok = { Metadata: 'true' };

  test('the system-assigned identity, answered as IMDS answers', async () => {
    const res = await get(`${imds}${q({ 'api-version': '2018-02-01', resource: 'api://orders-api/' })}`, ok);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'expires_on', 'not_before', 'refresh_token', 'resource', 'token_type']);
    expect(res.body).toMatchObject({ refresh_token: '', resource: 'api://orders-api/', token_type: 'Bearer' });
    const payload = await verifyV2(res.body.access_token);
    expect(payload).toMatchObject(identityClaims(WORKER));
    expect(res.body.expires_in).toBe(String(Number(payload.exp) - Number(payload.iat)));
  });

  test('a v1 API gets a v1 token: aud as requested, appid, x5t, the v1 issuer', async () => {
    const res = await get(`${imds}${q({ 'api-version': '2018-02-01', resource: 'api://legacy-api', msi_res_id: SYNC.resourceId })}`, ok);
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify(res.body.access_token, jwks, { issuer: idp.tenant('contoso').issuerV1, audience: 'api://legacy-api' });
    expect(payload).toMatchObject({ appid: SYNC.clientId, appidacr: '2', oid: SYNC.principalId, roles: ['Legacy.Read'], ver: '1.0', xms_mirid: SYNC.resourceId });
    const header = decodeProtectedHeader(res.body.access_token);
    expect(header.x5t).toBe(header.kid);
  });

  test('the root path serves the first tenant, as a VM\'s one metadata service does', async () => {
    const res = await get(`${idp.url}/metadata/identity/oauth2/token${q({ 'api-version': '2018-02-01', resource: 'api://orders-api', object_id: SYNC.principalId })}`, ok);
    expect(res.status).toBe(200);
    expect(await verifyV2(res.body.access_token)).toMatchObject(identityClaims(SYNC));
  });

  test.each([
    ['no Metadata header', {}, q({ 'api-version': '2018-02-01', resource: 'api://orders-api' }), { error: 'bad_request_102', error_description: 'Required metadata header not specified' }],
    ['Metadata: True (the value must be lower case)', { Metadata: 'True' }, q({ 'api-version': '2018-02-01', resource: 'api://orders-api' }), { error: 'bad_request_102', error_description: 'Required metadata header not specified' }],
    ['an identity the VM does not have', ok, q({ 'api-version': '2018-02-01', resource: 'api://orders-api', client_id: UNKNOWN }), { error: 'invalid_request', error_description: 'Identity not found' }],
  ])('%s: IMDS\'s answer, 400', async (_name, headers, query, body) => {
    const res = await get(`${imds}${query}`, headers as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(body);
  });

  test.each([
    ['no api-version', q({ resource: 'api://orders-api' }), /^Bad request\. api-version was not specified in the request\./],
    ['an unknown api-version', q({ resource: 'api://orders-api', 'api-version': '2017-01-01' }), /^Bad request\. api-version is invalid or was not specified in the request\./],
  ])('%s: IMDS\'s versioning error with the newest versions', async (_name, query, error) => {
    const res = await get(`${imds}${query}`, ok);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(error);
    expect(res.body['newest-versions']).toEqual(expect.arrayContaining([expect.stringMatching(/^\d{4}-\d\d-\d\d$/)]));
  });

  test.each([
    ['no resource', q({ 'api-version': '2018-02-01' }), 'invalid_request', /missing a required parameter/],
    ['a resource the tenant does not have', q({ 'api-version': '2018-02-01', resource: 'api://nowhere' }), 'invalid_resource', /^AADSTS50001: The application named api:\/\/nowhere was not found in the tenant named 7e5b2c3a/],
    ['two identity parameters', q({ 'api-version': '2018-02-01', resource: 'api://orders-api', client_id: SYNC.clientId, object_id: SYNC.principalId }), 'invalid_request', /Only one of client_id, object_id and msi_res_id/],
  ])('%s: {error, error_description}, 400', async (_name, query, error, description) => {
    const res = await get(`${imds}${query}`, ok);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).toMatch(description);
  });

  test('a tenant without a system-assigned identity: Identity not found', async () => {
    const res = await get(`${idp.url}/fabrikam/metadata/identity/oauth2/token${q({ 'api-version': '2018-02-01', resource: 'api://fabrikam-orders-api' })}`, ok);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Identity not found' } });
  });
});

describe('the endpoints are the tenant\'s token endpoint for the request log and faults', () => {
  test('requests are logged as token requests, and a token-endpoint fault reaches them', async () => {
    idp.control.requests.clear();
    await get(`${imds}${q({ 'api-version': '2018-02-01', resource: 'api://orders-api' })}`, { Metadata: 'true' });
    expect(idp.control.requests.count({ tenant: 'contoso', endpoint: 'token' })).toBe(1);
    idp.control.faults.set(idp.tenant('contoso'), 'token', { kind: 'down' });
    try {
      expect((await get(`${appService}${q({ resource: 'api://orders-api', 'api-version': '2019-08-01' })}`, { 'X-IDENTITY-HEADER': HEADER })).status).toBe(503);
    } finally {
      idp.control.faults.clear(CONTOSO.id);
    }
  });
});

describe('GET / lists both endpoints per tenant, with the header to send and the identities', () => {
  test('contoso\'s entry', async () => {
    const index = (await get(`${idp.url}/`)).body;
    const contoso = index.tenants.find((t: { name: string }) => t.name === 'contoso');
    expect(contoso.managedIdentity.appService).toEqual({
      endpoint: appService,
      apiVersion: '2019-08-01',
      header: { 'X-IDENTITY-HEADER': HEADER },
      env: { IDENTITY_ENDPOINT: appService, IDENTITY_HEADER: HEADER },
    });
    expect(contoso.managedIdentity.imds).toEqual({
      endpoint: imds,
      apiVersion: '2018-02-01',
      header: { Metadata: 'true' },
      env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: `${idp.url}/${CONTOSO.id}` },
    });
    expect(contoso.managedIdentity.identities).toEqual([
      { name: 'orders-worker', type: 'system-assigned', ...WORKER },
      { name: 'orders-sync', type: 'user-assigned', ...SYNC },
    ]);
  });

  test('without a configured header each start gets a fresh random one', async () => {
    const other = await createMockIdp({ port: 0 });
    try {
      const header = other.runtime('contoso').identityHeader;
      expect(header).toMatch(/^[0-9a-f-]{36}$/);
      expect(header).not.toBe(HEADER);
    } finally {
      await other.close();
    }
  });
});

/** Environment variables a developer's shell or CI runner may carry that would steer the SDK elsewhere. */
const STEERING = /^(AZURE_|IDENTITY_|MSI_|IMDS_|IDENTITY_SERVER_THUMBPRINT$)/;

async function sdk(env: Record<string, string>, calls: Record<string, string>[]): Promise<{ accessToken?: string; error?: { name: string; message: string } }[]> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !STEERING.test(k)));
  const { stdout } = await exec(process.execPath, ['mock-idp/test/fixtures/managed-identity-run.ts'], {
    cwd: ROOT,
    env: { ...clean, ...env, MI_CALLS: JSON.stringify(calls) },
    timeout: 25_000,
  });
  return JSON.parse(stdout);
}

describe('@azure/identity with only the environment variables Azure sets', () => {
  const scope = 'api://orders-api/.default';

  test('App Service (IDENTITY_ENDPOINT, IDENTITY_HEADER): ManagedIdentityCredential, system- and user-assigned', async () => {
    const out = await sdk({ IDENTITY_ENDPOINT: appService, IDENTITY_HEADER: HEADER }, [
      { credential: 'managed-identity', scope },
      { credential: 'managed-identity', scope, clientId: SYNC.clientId },
      { credential: 'managed-identity', scope: 'api://legacy-api/.default', resourceId: SYNC.resourceId },
      { credential: 'managed-identity', scope, clientId: UNKNOWN },
    ]);
    expect(await verifyV2(out[0].accessToken!)).toMatchObject(identityClaims(WORKER));
    expect(await verifyV2(out[1].accessToken!)).toMatchObject({ ...identityClaims(SYNC), roles: ['Orders.Read', 'Orders.Write'] });
    const { payload } = await jwtVerify(out[2].accessToken!, jwks, { issuer: idp.tenant('contoso').issuerV1, audience: 'api://legacy-api' });
    expect(payload).toMatchObject({ appid: SYNC.clientId, roles: ['Legacy.Read'] });
    // The SDK hands its caller App Service's message.
    expect(out[3].error).toMatchObject({ name: 'CredentialUnavailableError' });
    expect(out[3].error!.message).toMatch(/Unable to load the proper Managed Identity/);
  }, 30_000);

  test('App Service: DefaultAzureCredential finds the managed identity', async () => {
    const [out] = await sdk({ IDENTITY_ENDPOINT: appService, IDENTITY_HEADER: HEADER }, [{ credential: 'default', scope }]);
    expect(await verifyV2(out.accessToken!)).toMatchObject(identityClaims(WORKER));
  }, 30_000);

  test('IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST): ManagedIdentityCredential, system- and user-assigned, and an unknown identity', async () => {
    const out = await sdk({ AZURE_POD_IDENTITY_AUTHORITY_HOST: `${idp.url}/${CONTOSO.id}` }, [
      { credential: 'managed-identity', scope },
      { credential: 'managed-identity', scope, objectId: SYNC.principalId },
      { credential: 'managed-identity', scope, clientId: UNKNOWN },
    ]);
    expect(await verifyV2(out[0].accessToken!)).toMatchObject(identityClaims(WORKER));
    expect(await verifyV2(out[1].accessToken!)).toMatchObject(identityClaims(SYNC));
    expect(out[2].error!.message).toMatch(/Identity not found/);
  }, 30_000);

  test('IMDS: DefaultAzureCredential with AZURE_CLIENT_ID picks the user-assigned identity', async () => {
    const [out] = await sdk({ AZURE_POD_IDENTITY_AUTHORITY_HOST: `${idp.url}/${CONTOSO.id}`, AZURE_CLIENT_ID: SYNC.clientId }, [{ credential: 'default', scope }]);
    expect(await verifyV2(out.accessToken!)).toMatchObject(identityClaims(SYNC));
  }, 30_000);
});
