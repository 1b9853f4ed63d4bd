import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

const DAEMON = { id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', secret: 'demo-secret-not-for-production' };
const ORDERS_API = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';
const WEB = { id: '4a6c8e0b-2d4f-4e6a-8b0c-1d3f5a7c9e2b', redirect: 'http://127.0.0.1/callback' };

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const run = promisify(execFile);
const insecure = { execute: [oidc.allowInsecureRequests] };

describe('openid-client as a relying party (a real RP library)', () => {
  test('discovers both tenants from their v2 issuers', async () => {
    for (const name of ['contoso', 'fabrikam']) {
      const t = idp.tenant(name);
      const config = await oidc.discovery(new URL(t.issuer), DAEMON.id, DAEMON.secret, undefined, insecure);
      const meta = config.serverMetadata();
      expect(meta.issuer).toBe(t.issuer);
      expect(meta.token_endpoint).toBe(t.tokenEndpoint);
      expect(meta.jwks_uri).toBe(t.jwksUri);
    }
  });

  test('gets a client-credentials token that jose verifies with the tenant JWKS, issuer and audience (RFC 7519 §7.2)', async () => {
    const t = idp.tenant('contoso');
    const config = await oidc.discovery(new URL(t.issuer), DAEMON.id, DAEMON.secret, undefined, insecure);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api://orders-api/.default' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeGreaterThanOrEqual(3600);
    expect(tokens.expires_in).toBeLessThanOrEqual(5400);
    expect((tokens as Record<string, unknown>).ext_expires_in).toBe(tokens.expires_in);
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(t.jwksUri)), {
      issuer: t.issuer,
      audience: ORDERS_API,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.typ).toBe('JWT');
    expect(payload).toMatchObject({ azp: DAEMON.id, tid: t.id, roles: ['Orders.Read'], ver: '2.0', idtyp: 'app' });
    expect(payload.scp).toBeUndefined();
  });

  test("fabrikam's JWKS rejects contoso's token (keys are per tenant)", async () => {
    const contoso = idp.tenant('contoso');
    const fabrikam = idp.tenant('fabrikam');
    const config = await oidc.discovery(new URL(contoso.issuer), DAEMON.id, DAEMON.secret, undefined, insecure);
    const { access_token } = await oidc.clientCredentialsGrant(config, { scope: 'api://orders-api/.default' });
    await expect(jwtVerify(access_token, createRemoteJWKSet(new URL(fabrikam.jwksUri)))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  test('authorization code + PKCE signs alice in headlessly and yields an ID token and a delegated token with scp', async () => {
    const t = idp.tenant('contoso');
    const config = await oidc.discovery(new URL(t.issuer), WEB.id, undefined, oidc.None(), insecure);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB.redirect,
      scope: 'openid profile offline_access api://orders-api/Orders.Read',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: 'alice@contoso.example',
      nonce,
      prompt: 'consent',
    });
    const callback = await followToRedirectUri(authUrl, WEB.redirect);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });

    const id = tokens.claims()!;
    expect(id.aud).toBe(WEB.id);
    expect(id.iss).toBe(t.issuer);
    expect(id.preferred_username).toBe('alice@contoso.example');
    expect(id.oid).toBe('1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b');

    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(t.jwksUri)), { issuer: t.issuer, audience: ORDERS_API });
    expect(payload).toMatchObject({ scp: 'Orders.Read', azp: WEB.id, azpacr: '0', oid: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', preferred_username: 'alice@contoso.example', ver: '2.0' });
    expect(payload.sub).not.toBe(payload.oid); // pairwise per application, as Entra does
    expect(payload.idtyp).toBeUndefined();

    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ scp: 'Orders.Read', oid: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b' });
  });

  test('PKCE is enforced: a wrong code_verifier is refused with invalid_grant', async () => {
    const t = idp.tenant('contoso');
    const config = await oidc.discovery(new URL(t.issuer), WEB.id, undefined, oidc.None(), insecure);
    const verifier = oidc.randomPKCECodeVerifier();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB.redirect,
      scope: 'openid api://orders-api/Orders.Read',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: 'alice@contoso.example',
    });
    const callback = await followToRedirectUri(authUrl, WEB.redirect);
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), idTokenExpected: true }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('private_key_jwt client assertions authenticate a certificate client', async () => {
    const t = idp.tenant('contoso');
    const key = await createPrivateKey(readFileSync(new URL('../../fixtures/keys/orders-cert-daemon.key.pem', import.meta.url)))
      .toCryptoKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const config = await oidc.discovery(
      new URL(t.issuer),
      '2c4e6a8b-1d3f-4b5a-9c7e-8f6d4b2a0c1e',
      undefined,
      oidc.PrivateKeyJwt(key),
      insecure,
    );
    const { access_token } = await oidc.clientCredentialsGrant(config, { scope: 'api://orders-api/.default' });
    expect(decodeJwt(access_token)).toMatchObject({ azpacr: '2', roles: ['Orders.Read', 'Orders.Write'] });
  });
});

describe('MSAL Node against the mock over HTTPS (the proof of Entra compatibility)', () => {
  let tlsIdp: MockIdp;
  beforeAll(async () => {
    tlsIdp = await createMockIdp({ port: 0, tls: true });
  });
  afterAll(() => tlsIdp.close());

  test('ConfidentialClientApplication.acquireTokenByClientCredential gets a verifiable token', async () => {
    const t = tlsIdp.tenant('contoso');
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./fixtures/msal-client-credentials.ts', import.meta.url))], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: tlsIdp.caPath,
        AUTHORITY: `${tlsIdp.url}/${t.id}`,
        CLIENT_ID: DAEMON.id,
        CLIENT_SECRET: DAEMON.secret,
        SCOPE: 'api://orders-api/.default',
      },
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as { accessToken: string };
    const jwks = JSON.parse(await (await fetchTls(t.jwksUri, tlsIdp.caPem!)).text());
    const { payload } = await jwtVerify(result.accessToken, createLocalJWKSet(jwks), { issuer: t.issuer, audience: ORDERS_API });
    expect(payload).toMatchObject({ azp: DAEMON.id, tid: t.id, roles: ['Orders.Read'], ver: '2.0' });
  });
});

/** Follows the authorization redirects like a browser with a cookie jar, stopping at the client's redirect URI. */
async function followToRedirectUri(start: URL, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization flow stopped at ${url} with ${res.status}: ${await res.text()}`);
    const next = new URL(location, url);
    if (next.href.startsWith(redirectUri)) return next;
    url = next;
  }
  throw new Error('too many redirects');
}

async function fetchTls(url: string, ca: string): Promise<Response> {
  const { Agent, fetch: undiciFetch } = await import('undici');
  return undiciFetch(url, { dispatcher: new Agent({ connect: { ca } }) }) as unknown as Response;
}
