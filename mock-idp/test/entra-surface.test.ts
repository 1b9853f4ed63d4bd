import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

const DAEMON = { client_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', client_secret: 'demo-secret-not-for-production' };
const CONTOSO = '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp.close());

async function get(path: string) {
  const res = await fetch(`${idp.url}${path}`);
  // Documents are checked field by field below; `any` keeps those assertions readable.
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

async function token(params: Record<string, string>, tenant = CONTOSO, init: RequestInit = {}) {
  const res = await fetch(`${idp.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(params), ...init });
  return { status: res.status, body: (await res.json()) as any };
}

/** Compares a document with its golden copy, the mock's origin replaced by {base}. UPDATE_GOLDEN=1 rewrites them. */
function golden(name: string, doc: unknown) {
  const text = `${JSON.stringify(doc, null, 2).replaceAll(idp.url, '{base}')}\n`;
  const file = new URL(`./golden/${name}.json`, import.meta.url);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

// The v2 tenant document's fields in live order, as recorded in Azure/azure-sdk-for-js at sdk/keyvault/
// keyvault-keys/recordings/node/challenge_based_authentication_tests/recording_supports_multitenant_authentication.js.
const ENTRA_V2_FIELDS = [
  'token_endpoint', 'token_endpoint_auth_methods_supported', 'jwks_uri', 'response_modes_supported',
  'subject_types_supported', 'id_token_signing_alg_values_supported', 'response_types_supported', 'scopes_supported',
  'issuer', 'request_uri_parameter_supported', 'userinfo_endpoint', 'authorization_endpoint',
  'device_authorization_endpoint', 'http_logout_supported', 'frontchannel_logout_supported', 'end_session_endpoint',
  'claims_supported', 'kerberos_endpoint', 'tenant_region_scope', 'cloud_instance_name', 'cloud_graph_host_name',
  'msgraph_host', 'rbac_url',
];

describe("Entra's documents", () => {
  test('v2 tenant discovery has exactly Entra\'s fields in Entra\'s order, with Entra\'s headers', async () => {
    const { status, headers, body } = await get(`/${CONTOSO}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(ENTRA_V2_FIELDS);
    expect(headers.get('cache-control')).toBe('max-age=86400, private');
    expect(headers.get('access-control-allow-origin')).toBe('*');
    expect(body.issuer).toBe(`${idp.url}/${CONTOSO}/v2.0`);
    golden('discovery-v2-tenant', body);
  });

  test('v1 tenant discovery differs from v2 as Entra\'s does (issuer with trailing slash, common keys)', async () => {
    const { body } = await get(`/${CONTOSO}/.well-known/openid-configuration`);
    expect(body.issuer).toBe(`${idp.url}/${CONTOSO}/`);
    expect(body.jwks_uri).toBe(`${idp.url}/common/discovery/keys`);
    expect(body.microsoft_multi_refresh_token).toBe(true);
    expect(body.scopes_supported).toEqual(['openid']);
    expect(body.response_types_supported).toEqual(['code', 'id_token', 'code id_token', 'token id_token', 'token']);
    golden('discovery-v1-tenant', body);
  });

  test.each(['common', 'organizations'])('%s documents carry the literal {tenantid} issuer template', async (segment) => {
    const v2 = await get(`/${segment}/v2.0/.well-known/openid-configuration`);
    expect(v2.body.issuer).toBe(`${idp.url}/{tenantid}/v2.0`);
    expect(Object.keys(v2.body)).toEqual(ENTRA_V2_FIELDS);
    const v1 = await get(`/${segment}/.well-known/openid-configuration`);
    expect(v1.body.issuer).toBe(`${idp.url}/{tenantid}/`);
    if (segment === 'common') golden('discovery-v2-common', v2.body);
  });

  test('the tenant segment resolves by GUID, by domain name and by short name', async () => {
    for (const segment of [CONTOSO, 'contoso.example', 'contoso']) {
      const { status, body } = await get(`/${segment}/v2.0/.well-known/openid-configuration`);
      expect(status).toBe(200);
      expect(body.issuer).toBe(`${idp.url}/${CONTOSO}/v2.0`);
    }
  });

  test('an unknown tenant gets AADSTS90002 in Entra\'s error shape', async () => {
    const { status, body } = await get('/no-such-tenant.example/v2.0/.well-known/openid-configuration');
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'no-such-tenant.example' not found/);
    expect(Object.keys(body)).toEqual(['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id', 'error_uri']);
  });

  test('JWKS: RSA keys with kid = x5t = SHA-1 certificate thumbprint, x5c, issuer on v2, no private members, two or more keys', async () => {
    const { body } = await get(`/${CONTOSO}/discovery/v2.0/keys`);
    expect(body.keys.length).toBeGreaterThanOrEqual(2);
    const { createHash, X509Certificate } = await import('node:crypto');
    for (const k of body.keys) {
      expect(Object.keys(k).sort()).toEqual(['e', 'issuer', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t']);
      expect(k).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB', issuer: `${idp.url}/${CONTOSO}/v2.0` });
      const der = Buffer.from(k.x5c[0], 'base64');
      expect(createHash('sha1').update(der).digest('base64url')).toBe(k.x5t);
      expect(k.kid).toBe(k.x5t);
      const cert = new X509Certificate(der);
      expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: k.n, e: k.e });
      expect(Buffer.from(k.n, 'base64url').length).toBe(256);
    }
    const v1 = await get(`/${CONTOSO}/discovery/keys`);
    expect(v1.body.keys.every((k: { issuer?: string }) => k.issuer === undefined)).toBe(true);
    const common = await get('/common/discovery/v2.0/keys');
    expect(common.body.keys.every((k: { issuer: string }) => k.issuer === `${idp.url}/{tenantid}/v2.0`)).toBe(true);
  });

  test('MSAL instance discovery points at the tenant document and names the mock as the only alias', async () => {
    const { body } = await get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${idp.url}/${CONTOSO}/oauth2/v2.0/authorize`)}`);
    expect(body['api-version']).toBe('1.1');
    expect(body.tenant_discovery_endpoint).toBe(`${idp.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`);
    expect(body.metadata[0].aliases).toEqual([new URL(idp.url).host]);
  });

  test('GET / indexes the tenants with their discovery and JWKS URLs', async () => {
    const { body } = await get('/');
    expect(body.tenants.map((t: { name: string }) => t.name)).toEqual(['contoso', 'fabrikam']);
    expect(body.tenants[0]).toMatchObject({ id: CONTOSO, discovery: idp.tenant('contoso').discoveryUrl, jwks: idp.tenant('contoso').jwksUri });
  });
});

describe('Entra-shaped tokens', () => {
  test('v2 API (accessTokenAcceptedVersion 2): aud is the app id GUID, v2 issuer, azp/azpacr, kid only in the header', async () => {
    const { body } = await token({ ...DAEMON, grant_type: 'client_credentials', scope: 'api://orders-api/.default' });
    const header = decodeProtectedHeader(body.access_token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const c = decodeJwt(body.access_token);
    expect(Object.keys(c).sort()).toEqual(['aio', 'aud', 'azp', 'azpacr', 'exp', 'iat', 'idtyp', 'iss', 'nbf', 'oid', 'rh', 'roles', 'sub', 'tid', 'uti', 'ver'].sort());
    expect(c).toMatchObject({ aud: '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b', iss: `${idp.url}/${CONTOSO}/v2.0`, azpacr: '1', ver: '2.0', sub: c.oid });
    const lifetime = c.exp! - c.iat!;
    expect(lifetime).toBeGreaterThanOrEqual(3600);
    expect(lifetime).toBeLessThanOrEqual(5400);
    expect(body.expires_in).toBe(lifetime);
    expect(body.scope).toBeUndefined();
  });

  test('v1 API: aud is the app ID URI as requested, sts-style issuer with trailing slash, appid/appidacr, x5t in the header', async () => {
    const { body } = await token({ ...DAEMON, grant_type: 'client_credentials', scope: 'api://legacy-api/.default' });
    const header = decodeProtectedHeader(body.access_token);
    expect(header.x5t).toBe(header.kid);
    const c = decodeJwt(body.access_token);
    expect(c).toMatchObject({ aud: 'api://legacy-api', iss: `${idp.url}/${CONTOSO}/`, appid: DAEMON.client_id, appidacr: '1', ver: '1.0', roles: ['Legacy.Read'] });
    expect(c.azp).toBeUndefined();
  });

  test('a v1 API requested by its app id gets the GUID as aud', async () => {
    const { body } = await token({ ...DAEMON, grant_type: 'client_credentials', scope: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d/.default' });
    expect(decodeJwt(body.access_token).aud).toBe('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d');
  });

  test('client secret in HTTP Basic works as well as in the body', async () => {
    const basic = Buffer.from(`${DAEMON.client_id}:${DAEMON.client_secret}`).toString('base64');
    const { status, body } = await token({ grant_type: 'client_credentials', scope: 'api://orders-api/.default' }, CONTOSO, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token).azp).toBe(DAEMON.client_id);
  });

  test('a client with no granted roles gets a token without roles', async () => {
    const { body } = await token({ client_id: '6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f', client_secret: DAEMON.client_secret, grant_type: 'client_credentials', scope: 'api://orders-api/.default' });
    expect(decodeJwt(body.access_token).roles).toBeUndefined();
  });

  test.each([
    ['unknown client', { client_id: '00000000-0000-4000-8000-000000000000', client_secret: 'x', grant_type: 'client_credentials', scope: 'api://orders-api/.default' }, 400, 'unauthorized_client', 700016],
    ['wrong secret', { ...DAEMON, client_secret: 'wrong-secret', grant_type: 'client_credentials', scope: 'api://orders-api/.default' }, 401, 'invalid_client', 7000215],
    ['unknown resource', { ...DAEMON, grant_type: 'client_credentials', scope: 'api://unknown/.default' }, 400, 'invalid_resource', 500011],
    ['two resources', { ...DAEMON, grant_type: 'client_credentials', scope: 'api://orders-api/.default api://legacy-api/.default' }, 400, 'invalid_scope', 700022],
    ['a scope without /.default', { ...DAEMON, grant_type: 'client_credentials', scope: 'api://orders-api/Orders.Read' }, 400, 'invalid_scope', 1002012],
    ['missing grant_type', { ...DAEMON, scope: 'api://orders-api/.default' }, 400, 'invalid_request', 900144],
  ])('%s → %s %s AADSTS%s', async (_name, params, status, error, code) => {
    const res = await token(params as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.error_codes).toEqual([code]);
    expect(res.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(res.body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  });
});
