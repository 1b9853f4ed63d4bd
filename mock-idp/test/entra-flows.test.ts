import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pairwiseSubject } from '../entra/access-token-claims.ts';
import { createMockIdp, type MockIdp } from '../index.ts';
import { Browser, CONTOSO, expectEntraError, postForm } from './support/entra-client.ts';

const OBO = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

let idp: MockIdp;
beforeAll(async () => {
  // Short device codes (3 s) and polling interval (1 s), so expiry and slow_down show within a test.
  idp = await createMockIdp({ port: 0, deviceCode: { intervalSeconds: 1, lifetimeSeconds: 3 } });
});
afterAll(() => idp.close());

const insecure = { execute: [oidc.allowInsecureRequests] };
const v2 = (params: Record<string, string>) => postForm(idp.url, '/oauth2/v2.0/token', params);
const v1 = (params: Record<string, string>) => postForm(idp.url, '/oauth2/token', params);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function verifyV2(token: string, audience: string) {
  const t = idp.tenant('contoso');
  return jwtVerify(token, createRemoteJWKSet(new URL(t.jwksUri)), { issuer: t.issuer, audience, algorithms: ['RS256'] });
}

/** alice's token for storefront-api, as orders-cli gets it with her password. */
async function aliceForStorefront(extra: Record<string, string> = {}): Promise<string> {
  const res = await v2({ grant_type: 'password', client_id: CONTOSO.cli, username: CONTOSO.alice.upn, password: CONTOSO.alice.password, scope: 'api://storefront-api/Storefront.Access', ...extra });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

describe('v1 endpoints (the Azure AD v1.0 protocol the v1 discovery document advertises)', () => {
  test('the v1 document\'s token_endpoint issues a client-credentials token for resource=, in the v1 response form', async () => {
    const t = idp.tenant('contoso');
    const doc = (await (await fetch(t.discoveryUrlV1)).json()) as { token_endpoint: string; jwks_uri: string; issuer: string };
    const res = await fetch(doc.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, resource: 'api://legacy-api' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'ext_expires_in', 'expires_on', 'not_before', 'resource', 'access_token']);
    expect(body).toMatchObject({ token_type: 'Bearer', resource: 'api://legacy-api', expires_in: expect.stringMatching(/^\d+$/), expires_on: expect.stringMatching(/^\d+$/) });
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(Number(body.expires_in));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(doc.jwks_uri)), { issuer: doc.issuer, audience: 'api://legacy-api' });
    expect(protectedHeader.x5t).toBe(protectedHeader.kid);
    expect(payload).toMatchObject({ appid: CONTOSO.daemon.id, appidacr: '1', ver: '1.0', roles: ['Legacy.Read'], idtyp: 'app' });
  });

  test('a resource named by its app id comes back as the aud', async () => {
    const res = await v1({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, resource: CONTOSO.legacyApi });
    expect(res.body.resource).toBe(CONTOSO.legacyApi);
    expect(decodeJwt(res.body.access_token).aud).toBe(CONTOSO.legacyApi);
  });

  test('the token version follows the API, not the endpoint: v1 endpoint → v2 token for orders-api, v2 endpoint → v1 token for legacy-api', async () => {
    const fromV1 = await v1({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, resource: 'api://orders-api' });
    const { payload } = await verifyV2(fromV1.body.access_token, CONTOSO.ordersApi);
    expect(payload.ver).toBe('2.0');
    const fromV2 = await v2({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, scope: 'api://legacy-api/.default' });
    expect(decodeJwt(fromV2.body.access_token)).toMatchObject({ ver: '1.0', iss: idp.tenant('contoso').issuerV1 });
  });

  test.each([
    { name: 'a v2 scope without resource on v1', endpoint: 'v1', params: { scope: 'api://legacy-api/.default' } as Record<string, string>, status: 400, error: 'invalid_request', code: 900144 },
    { name: 'an unknown resource on v1', endpoint: 'v1', params: { resource: 'api://nowhere' }, status: 400, error: 'invalid_resource', code: 500011 },
    { name: 'a wrong secret on v1', endpoint: 'v1', params: { resource: 'api://legacy-api', client_secret: 'wrong-secret' }, status: 401, error: 'invalid_client', code: 7000215 },
    { name: 'resource on the v2 endpoint', endpoint: 'v2', params: { resource: 'api://legacy-api' }, status: 400, error: 'invalid_request', code: 901002 },
  ])('$name → $status $error AADSTS$code', async ({ endpoint, params, status, error, code }) => {
    const send = endpoint === 'v1' ? v1 : v2;
    const res = await send({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, ...params });
    expectEntraError(res, status, error, code);
    if (code === 900144) expect(res.body.error_description).toMatch(/parameter: 'resource'/);
  });

  test('authorization code through openid-client with the v1 document: a v1 ID token, a v1 access token for the resource, and a refresh', async () => {
    const t = idp.tenant('contoso');
    const config = await oidc.discovery(new URL(t.issuerV1), CONTOSO.web.id, undefined, oidc.None(), insecure);
    expect(config.serverMetadata().authorization_endpoint).toBe(`${idp.url}/${t.id}/oauth2/authorize`);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CONTOSO.web.redirect,
      resource: 'api://legacy-api',
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: CONTOSO.alice.upn,
      nonce,
    });
    const { url: callback } = await new Browser().follow(authUrl, CONTOSO.web.redirect);
    // openid-client checks the ID token's iss against the v1 document's issuer, its aud, nonce and expiry.
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ iss: t.issuerV1, ver: '1.0', upn: CONTOSO.alice.upn, oid: CONTOSO.alice.oid, aud: CONTOSO.web.id });
    expect(decodeProtectedHeader(tokens.id_token!).x5t).toBeDefined();
    expect(tokens).toMatchObject({ resource: 'api://legacy-api', scope: 'user_impersonation' });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: t.issuerV1, audience: 'api://legacy-api' });
    expect(payload).toMatchObject({ scp: 'user_impersonation', appid: CONTOSO.web.id, appidacr: '0', upn: CONTOSO.alice.upn, ver: '1.0' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: 'api://legacy-api', scp: 'user_impersonation', oid: CONTOSO.alice.oid });
  });
});

describe('on-behalf-of (a middle-tier API calls another API for the user)', () => {
  const obo = (assertion: string, extra: Record<string, string> = {}) =>
    v2({ grant_type: OBO, client_id: CONTOSO.storefront.id, client_secret: CONTOSO.storefront.secret, assertion, requested_token_use: 'on_behalf_of', scope: 'api://orders-api/Orders.Read', ...extra });

  test('the downstream token carries the same user: same oid, sub pairwise for the new API, scp of the downstream API, the middle tier as azp', async () => {
    const assertion = await aliceForStorefront();
    const res = await obo(assertion, { scope: 'api://orders-api/Orders.Read offline_access' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'api://orders-api/Orders.Read offline_access', ext_expires_in: res.body.expires_in });
    const { payload } = await verifyV2(res.body.access_token, CONTOSO.ordersApi);
    const incoming = decodeJwt(assertion);
    expect(payload).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.storefront.id, azpacr: '1', roles: ['Orders.Read'], tid: CONTOSO.id });
    expect(payload.sub).toBe(pairwiseSubject(CONTOSO.alice.oid, CONTOSO.ordersApi));
    expect(payload.sub).not.toBe(incoming.sub);
    // With offline_access the middle tier may refresh it later with its own credentials.
    const refreshed = await v2({ grant_type: 'refresh_token', client_id: CONTOSO.storefront.id, client_secret: CONTOSO.storefront.secret, refresh_token: res.body.refresh_token });
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.storefront.id });
  });

  test('on the v1 endpoint the downstream API is named by resource and the answer has the v1 form', async () => {
    const res = await v1({ grant_type: OBO, client_id: CONTOSO.storefront.id, client_secret: CONTOSO.storefront.secret, assertion: await aliceForStorefront(), requested_token_use: 'on_behalf_of', resource: 'api://orders-api' });
    expect(res.body).toMatchObject({ resource: 'api://orders-api', scope: 'Orders.Read', expires_in: expect.stringMatching(/^\d+$/) });
    expect((await verifyV2(res.body.access_token, CONTOSO.ordersApi)).payload).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read' });
  });

  const userTokenFor = (scope: string) => async () =>
    (await v2({ grant_type: 'password', client_id: CONTOSO.cli, username: CONTOSO.alice.upn, password: CONTOSO.alice.password, scope })).body.access_token as string;
  const minted = (recipe: Record<string, unknown>) => async () =>
    (await idp.mint({ tenant: 'contoso', profile: 'entra-v2-user', api: 'storefront-api', user: CONTOSO.alice.upn, ...recipe })).token;

  test.each([
    { name: 'an assertion for another audience (the caller must be its aud)', assertion: userTokenFor('api://orders-api/Orders.Read'), extra: {} as Record<string, string>, error: 'invalid_grant', code: 500131 },
    { name: 'an assertion signed by a key the tenant never published', assertion: minted({ key: 'attacker' }), extra: {}, error: 'invalid_grant', code: 50013 },
    { name: 'an expired assertion', assertion: minted({ claims: { exp: { in: '-10m' } } }), extra: {}, error: 'invalid_grant', code: 500133 },
    { name: 'an assertion issued for another tenant', assertion: minted({ issuerTenant: 'fabrikam' }), extra: {}, error: 'invalid_grant', code: 50013 },
    { name: 'an assertion that is not a JWT', assertion: async () => 'not-a-jwt', extra: {}, error: 'invalid_grant', code: 50027 },
    { name: 'an app-only token as the assertion', assertion: minted({ profile: 'entra-v2-app', user: undefined, client: 'orders-daemon' }), extra: {}, error: 'invalid_grant', code: 7000114 },
    { name: 'a downstream API the middle tier was not consented to', assertion: userTokenFor('api://storefront-api/Storefront.Access'), extra: { scope: 'api://legacy-api/user_impersonation' }, error: 'invalid_grant', code: 65001 },
    { name: 'no requested_token_use', assertion: userTokenFor('api://storefront-api/Storefront.Access'), extra: { requested_token_use: '' }, error: 'invalid_request', code: 900144 },
  ])('$name → AADSTS$code', async ({ assertion, extra, error, code }) => {
    const res = await obo(await assertion(), extra);
    expectEntraError(res, 400, error, code);
    if (code === 65001) expect(res.body.suberror).toBe('consent_required');
  });

  test('a public client cannot use on-behalf-of: it has no credential (AADSTS7000218)', async () => {
    const res = await v2({ grant_type: OBO, client_id: CONTOSO.cli, assertion: await aliceForStorefront(), requested_token_use: 'on_behalf_of', scope: 'api://orders-api/Orders.Read' });
    expectEntraError(res, 401, 'invalid_client', 7000218);
  });
});

describe('username and password (ROPC) for a client that allows public client flows', () => {
  test('alice signs in with her password: access token, pairwise ID token, refresh token', async () => {
    const res = await v2({ grant_type: 'password', client_id: CONTOSO.cli, username: CONTOSO.alice.upn, password: CONTOSO.alice.password, scope: 'api://orders-api/Orders.Read openid profile offline_access', client_info: '1' });
    expect(res.status).toBe(200);
    const { payload } = await verifyV2(res.body.access_token, CONTOSO.ordersApi);
    expect(payload).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.cli, azpacr: '0', preferred_username: CONTOSO.alice.upn });
    const t = idp.tenant('contoso');
    const id = await jwtVerify(res.body.id_token, createRemoteJWKSet(new URL(t.jwksUri)), { issuer: t.issuer, audience: CONTOSO.cli });
    expect(id.payload).toMatchObject({ sub: pairwiseSubject(CONTOSO.alice.oid, CONTOSO.cli), oid: CONTOSO.alice.oid, preferred_username: CONTOSO.alice.upn });
    expect(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString())).toEqual({ uid: CONTOSO.alice.oid, utid: CONTOSO.id });
    const refreshed = await v2({ grant_type: 'refresh_token', client_id: CONTOSO.cli, refresh_token: res.body.refresh_token });
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read' });
  });

  test.each([
    { name: 'a wrong password', params: { password: 'not-her-password' }, status: 400, error: 'invalid_grant', code: 50126 },
    { name: 'a user the directory does not know', params: { username: 'mallory@contoso.example' }, status: 400, error: 'invalid_grant', code: 50034 },
    { name: 'no password', params: { password: '' }, status: 400, error: 'invalid_request', code: 900144 },
    { name: 'a permission the client was not consented to', params: { scope: 'api://legacy-api/user_impersonation' }, status: 400, error: 'invalid_grant', code: 65001 },
    { name: 'a client without "Allow public client flows"', params: { client_id: CONTOSO.web.id }, status: 401, error: 'invalid_client', code: 7000218 },
  ])('$name → AADSTS$code', async ({ params, status, error, code }) => {
    const res = await v2({ grant_type: 'password', client_id: CONTOSO.cli, username: CONTOSO.alice.upn, password: CONTOSO.alice.password, scope: 'api://orders-api/Orders.Read', ...params });
    expectEntraError(res, status, error, code);
  });
});

describe('device code', () => {
  const start = (scope = 'api://orders-api/Orders.Read openid offline_access') => postForm(idp.url, '/oauth2/v2.0/devicecode', { client_id: CONTOSO.cli, scope });
  const poll = (deviceCode: string) => v2({ grant_type: DEVICE_CODE, client_id: CONTOSO.cli, device_code: deviceCode });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${idp.url}/_admin/tenants/contoso/device-codes${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  test('the device authorization answer has exactly Entra\'s fields', async () => {
    const { status, body } = await start();
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['user_code', 'device_code', 'verification_uri', 'expires_in', 'interval', 'message']);
    expect(body).toMatchObject({ user_code: expect.stringMatching(/^[A-Z]{9}$/), verification_uri: `${idp.url}/${CONTOSO.id}/devicelogin`, expires_in: 3, interval: 1 });
    expect(body.message).toBe(`To sign in, use a web browser to open the page ${body.verification_uri} and enter the code ${body.user_code} to authenticate.`);
  });

  test('pending (AADSTS70016), too fast (slow_down), approved through the control API, then tokens', async () => {
    const { body: dc } = await start();
    expectEntraError(await poll(dc.device_code), 400, 'authorization_pending', 70016);
    expectEntraError(await poll(dc.device_code), 400, 'slow_down', 70016);
    const listed = await admin('GET', '');
    expect(listed.body.deviceCodes).toContainEqual(expect.objectContaining({ userCode: dc.user_code, clientId: CONTOSO.cli, status: 'pending' }));
    expect(JSON.stringify(listed.body)).not.toContain(dc.device_code);
    const approved = await admin('POST', `/${dc.user_code}/approve`, { user: CONTOSO.alice.upn });
    expect(approved).toMatchObject({ status: 200, body: { deviceCode: { status: 'approved', user: CONTOSO.alice.upn } } });
    await sleep(1000);
    const res = await poll(dc.device_code);
    expect(res.status).toBe(200);
    expect((await verifyV2(res.body.access_token, CONTOSO.ordersApi)).payload).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.cli });
    expect(decodeJwt(res.body.id_token).sub).toBe(pairwiseSubject(CONTOSO.alice.oid, CONTOSO.cli));
    expect(res.body.refresh_token).toBeTruthy();
    expect((await admin('GET', '')).body.deviceCodes).toContainEqual(expect.objectContaining({ userCode: dc.user_code, status: 'redeemed' }));
  });

  test('a person at verification_uri enters the code, signs in and the device gets the token', async () => {
    const { body: dc } = await start();
    const browser = new Browser();
    const input = await browser.go(dc.verification_uri);
    expect(input.html).toContain('name="user_code"');
    const confirm = await browser.submit(input.html, { user_code: dc.user_code });
    expect(confirm.html).toContain(dc.user_code);
    const signIn = await browser.follow((await browser.submit(confirm.html)).location!);
    expect(signIn.html).toContain(CONTOSO.alice.upn);
    const done = await browser.follow(new URL(`?login_hint=${encodeURIComponent(CONTOSO.alice.upn)}`, signIn.url));
    expect(done.html).toContain('You are signed in');
    const res = await poll(dc.device_code);
    expect(decodeJwt(res.body.access_token)).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read' });
  });

  test('declined on the other device: the next poll answers authorization_declined (AADSTS65004)', async () => {
    const { body: dc } = await start();
    expect((await admin('POST', `/${dc.user_code}/deny`)).body.deviceCode.status).toBe('denied');
    expectEntraError(await poll(dc.device_code), 400, 'authorization_declined', 65004);
  });

  test('the control API refuses in Entra\'s shape: unknown code, unknown user, a code already decided', async () => {
    const unknown = await admin('POST', '/BCDFGHJKL/approve', { user: CONTOSO.alice.upn });
    expectEntraError(unknown, 404, 'bad_verification_code', 70018);
    const { body: dc } = await start();
    expectEntraError(await admin('POST', `/${dc.user_code}/approve`, { user: 'mallory@contoso.example' }), 404, 'invalid_request', 50034);
    expect((await admin('POST', `/${dc.user_code}/approve`, { who: 'alice' })).status).toBe(400);
    expect((await admin('POST', `/${dc.user_code}/approve`, { user: CONTOSO.alice.upn })).status).toBe(200);
    expectEntraError(await admin('POST', `/${dc.user_code}/approve`, { user: CONTOSO.alice.upn }), 409, 'invalid_request', 90120);
  });

  test('approving a permission the client was not consented to: the control API and the device both get AADSTS65001', async () => {
    const { body: dc } = await start('api://legacy-api/user_impersonation');
    expectEntraError(await admin('POST', `/${dc.user_code}/approve`, { user: CONTOSO.alice.upn }), 400, 'invalid_grant', 65001);
    const res = await poll(dc.device_code);
    expectEntraError(res, 400, 'invalid_grant', 65001);
    expect(res.body.suberror).toBe('consent_required');
  });

  test('an unknown device code is a bad_verification_code (AADSTS70018)', async () => {
    expectEntraError(await poll('no-such-device-code'), 400, 'bad_verification_code', 70018);
  });

  test('expired: openid-client\'s polling ends with expired_token (AADSTS70020), and the code can no longer be approved', async () => {
    const t = idp.tenant('contoso');
    const config = await oidc.discovery(new URL(t.issuer), CONTOSO.cli, undefined, oidc.None(), insecure);
    const dc = await oidc.initiateDeviceAuthorization(config, { scope: 'api://orders-api/Orders.Read' });
    // openid-client stops on its own at expires_in; a longer signal lets it hear the server say so.
    const failure = await oidc.pollDeviceAuthorizationGrant(config, dc, undefined, { signal: AbortSignal.timeout(15_000) }).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(oidc.ResponseBodyError);
    const body = (failure as oidc.ResponseBodyError).cause as Record<string, unknown>;
    expectEntraError({ status: (failure as oidc.ResponseBodyError).status, body }, 400, 'expired_token', 70020);
    expectEntraError(await admin('POST', `/${dc.user_code}/approve`, { user: CONTOSO.alice.upn }), 400, 'expired_token', 70020);
  });
});

describe('the claims request parameter at the token endpoint', () => {
  const cp1 = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });

  test('a CAE-capable client (xms_cc cp1) gets xms_cc in tokens for APIs that asked for the optional claim', async () => {
    const res = await v2({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, scope: 'api://orders-api/.default', claims: cp1 });
    expect((await verifyV2(res.body.access_token, CONTOSO.ordersApi)).payload.xms_cc).toEqual(['cp1']);
    const user = await v2({ grant_type: 'password', client_id: CONTOSO.cli, username: CONTOSO.alice.upn, password: CONTOSO.alice.password, scope: 'api://orders-api/Orders.Read', claims: cp1 });
    expect(decodeJwt(user.body.access_token).xms_cc).toEqual(['cp1']);
  });

  test('legacy-api did not ask for xms_cc, so its tokens never carry it', async () => {
    const res = await v2({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, scope: 'api://legacy-api/.default', claims: cp1 });
    expect(decodeJwt(res.body.access_token).xms_cc).toBeUndefined();
  });

  test.each([
    ['not JSON', '{"access_token":'],
    ['not an object', '["cp1"]'],
    ['access_token not an object', '{"access_token":["xms_cc"]}'],
    ['a claim request that is neither null nor an object', '{"access_token":{"xms_cc":"cp1"}}'],
    ['empty', ''],
  ])('a malformed claims parameter (%s) → AADSTS90100', async (_name, claims) => {
    const res = await v2({ grant_type: 'client_credentials', client_id: CONTOSO.daemon.id, client_secret: CONTOSO.daemon.secret, scope: 'api://orders-api/.default', claims });
    expectEntraError(res, 400, 'invalid_request', 90100);
  });
});

describe("Entra's shape for everything else under a tenant", () => {
  test('a GET on the token endpoint → AADSTS900561; an unknown path → 404 in Entra\'s shape', async () => {
    const get = await fetch(`${idp.url}/${CONTOSO.id}/oauth2/token`);
    expectEntraError({ status: get.status, body: await get.json() }, 400, 'invalid_request', 900561);
    const unknown = await fetch(`${idp.url}/${CONTOSO.id}/no/such/endpoint`);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expectEntraError({ status: unknown.status, body: await unknown.json() }, 404, 'invalid_request', 9002313);
  });
});
