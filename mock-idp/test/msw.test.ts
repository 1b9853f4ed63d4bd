import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KeyStore } from '../keys/key-store.ts';
import { mint } from '../mint/mint.ts';
import { findVariant } from '../mint/variants.ts';
import { mockIdpHandlers, mswTenants } from '../msw.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';

/**
 * The kind of validator a service writes against Entra: discovery → jwks_uri → jose, with the issuer
 * from discovery and its own audience and role. It only knows Entra's public URL; msw answers for it.
 */
function entraValidator(tenantId: string, audience: string, role: string) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let issuer: string | undefined;
  return async (authorization: string | undefined): Promise<{ ok: true; claims: JWTPayload } | { ok: false; error: string }> => {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, error: 'missing_token' };
    if (!jwks) {
      const meta = (await (await fetch(`https://login.microsoftonline.com/${tenantId}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
      issuer = meta.issuer;
      jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
    }
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'], requiredClaims: ['exp'] });
      if (!(payload.roles as string[] | undefined)?.includes(role)) return { ok: false, error: 'insufficient_role' };
      return { ok: true, claims: payload };
    } catch (e) {
      return { ok: false, error: (e as { code?: string }).code ?? 'invalid_token' };
    }
  };
}

let server: SetupServer;
let tenants: TenantRuntime[];
let contoso: TenantRuntime;

beforeAll(async () => {
  tenants = await mswTenants();
  contoso = tenants.find((t) => t.tenant.name === 'contoso')!;
  server = setupServer(...mockIdpHandlers({ tenants }));
  server.listen({ onUnhandledFrame: 'error' });
});
afterAll(() => server?.close());

async function clientCredentialsToken(clientId: string, secret: string, scope: string): Promise<Response> {
  return fetch(`https://login.microsoftonline.com/${contoso.tenant.domain}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }),
  });
}

describe('mockIdpHandlers (msw) against a validator written in the test', () => {
  const daemon = () => contoso.tenant.clients.find((c) => c.name === 'orders-daemon')!;
  const ordersApi = () => contoso.tenant.apis.find((a) => a.name === 'orders-api')!;

  test('a client-credentials token from the msw token endpoint is accepted, with Entra v2 claims', async () => {
    const res = await clientCredentialsToken(daemon().clientId, daemon().secret!, 'api://orders-api/.default');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const validate = entraValidator(contoso.tenant.id, ordersApi().appId, 'Orders.Read');
    const result = await validate(`Bearer ${body.access_token}`);
    expect(result).toMatchObject({ ok: true, claims: { iss: `https://login.microsoftonline.com/${contoso.tenant.id}/v2.0`, azp: daemon().clientId, roles: ['Orders.Read'] } });
  });

  test.each([
    ['expired', 'ERR_JWT_EXPIRED'],
    ['attacker-key-same-kid', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['alg-none', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['wrong-audience', 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['missing-roles', 'insufficient_role'],
  ])('a %s token minted by the same forge is refused (%s)', async (name, error) => {
    const validate = entraValidator(contoso.tenant.id, ordersApi().appId, 'Orders.Read');
    const { token } = await mint(contoso, findVariant(name)!.recipe);
    expect(await validate(`Bearer ${token}`)).toEqual({ ok: false, error });
  });

  test('the token endpoint answers Entra errors for a wrong secret and an unknown resource', async () => {
    const wrong = await clientCredentialsToken(daemon().clientId, 'not-the-secret', 'api://orders-api/.default');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error_description: string }).error_description).toMatch(/^AADSTS7000215:/);
    const unknown = await clientCredentialsToken(daemon().clientId, daemon().secret!, 'api://nowhere/.default');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });

  test('a key store passed in `keys` is the one served and the one tokens are checked against', async () => {
    const shared = await KeyStore.create();
    server.use(...mockIdpHandlers({ tenants, keys: { contoso: shared } }));
    try {
      const jwks = (await (await fetch(`https://login.microsoftonline.com/${contoso.tenant.id}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual(shared.jwks().keys.map((k) => k.kid));
      const res = await clientCredentialsToken(daemon().clientId, daemon().secret!, 'api://orders-api/.default');
      const { access_token } = (await res.json()) as { access_token: string };
      const validate = entraValidator(contoso.tenant.id, ordersApi().appId, 'Orders.Read');
      expect(await validate(`Bearer ${access_token}`)).toMatchObject({ ok: true });
      const header = JSON.parse(Buffer.from(access_token.split('.')[0], 'base64url').toString());
      expect(header.kid).toBe(shared.primary().kid);
    } finally {
      server.resetHandlers();
    }
  });
});
