import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pairwiseSubject } from '../entra/access-token-claims.ts';
import { createMockIdp, type MockIdp } from '../index.ts';
import { CONTOSO } from './support/entra-client.ts';
import { runNode, verifyOverTls } from './support/tls-clients.ts';

/**
 * Microsoft's own client libraries against the mock over HTTPS, each in its own process that trusts the
 * mock's CA through NODE_EXTRA_CA_CERTS, with the settings the README gives (knownAuthorities,
 * disableInstanceDiscovery). Successes are verified with jose against the tenant's keys and issuer;
 * failures are what the library hands its caller, from Entra's AADSTS answer.
 */
let idp: MockIdp;
let authority: string;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0, tls: true });
  authority = `${idp.url}/${CONTOSO.id}`;
});
afterAll(() => idp.close());

interface MsalOutcome {
  accessToken?: string;
  idToken?: string;
  account?: { homeAccountId: string; username: string; tenantId: string };
  error?: { name: string; errorCode: string; errorMessage: string; subError: string; errorNo: string | number };
}

async function msal(call: Record<string, unknown>): Promise<MsalOutcome> {
  return JSON.parse(await runNode('mock-idp/test/fixtures/msal-run.ts', idp, { MSAL_CALL: JSON.stringify({ authority, ...call }) }));
}

async function identity(call: Record<string, unknown>): Promise<{ accessToken?: string; error?: { name: string; message: string } }> {
  return JSON.parse(await runNode('mock-idp/test/fixtures/identity-run.ts', idp, { IDENTITY_CALL: JSON.stringify({ authorityHost: idp.url, tenantId: CONTOSO.id, ...call }) }));
}

const storefront = { clientId: CONTOSO.storefront.id, clientSecret: CONTOSO.storefront.secret };
const daemon = { clientId: CONTOSO.daemon.id, clientSecret: CONTOSO.daemon.secret };
const alice = { clientId: CONTOSO.cli, op: 'usernamePassword', username: CONTOSO.alice.upn, password: CONTOSO.alice.password };

describe('MSAL Node', () => {
  test('ConfidentialClientApplication.acquireTokenByCode: a web app signs alice in (auth code), and both tokens verify', async () => {
    // clientCapabilities: MSAL sends the claims parameter to the authorize and token endpoints.
    const out = await msal({ ...storefront, op: 'byCode', scopes: ['api://orders-api/Orders.Read'], redirectUri: CONTOSO.storefront.redirect, loginHint: CONTOSO.alice.upn, capabilities: ['cp1'] });
    expect(out.error).toBeUndefined();
    expect(await verifyOverTls(idp, out.accessToken!, CONTOSO.ordersApi)).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.storefront.id, azpacr: '1', xms_cc: ['cp1'] });
    expect(await verifyOverTls(idp, out.idToken!, CONTOSO.storefront.id)).toMatchObject({ sub: pairwiseSubject(CONTOSO.alice.oid, CONTOSO.storefront.id), preferred_username: CONTOSO.alice.upn });
    // MSAL keys its cache by the client_info the mock returns: object id and tenant.
    expect(out.account).toMatchObject({ homeAccountId: `${CONTOSO.alice.oid}.${CONTOSO.id}`, username: CONTOSO.alice.upn, tenantId: CONTOSO.id });
  });

  test('acquireTokenOnBehalfOf: storefront-api trades alice\'s token for hers to orders-api', async () => {
    const user = await msal({ ...alice, scopes: ['api://storefront-api/Storefront.Access'] });
    const out = await msal({ ...storefront, op: 'onBehalfOf', oboAssertion: user.accessToken, scopes: ['api://orders-api/Orders.Read'] });
    const payload = await verifyOverTls(idp, out.accessToken!, CONTOSO.ordersApi);
    expect(payload).toMatchObject({ oid: CONTOSO.alice.oid, scp: 'Orders.Read', azp: CONTOSO.storefront.id, sub: pairwiseSubject(CONTOSO.alice.oid, CONTOSO.ordersApi) });
  });

  test('clientCapabilities ["cp1"]: MSAL sends the claims parameter and the token carries xms_cc', async () => {
    const out = await msal({ ...daemon, op: 'clientCredential', scopes: ['api://orders-api/.default'], capabilities: ['cp1'] });
    expect((await verifyOverTls(idp, out.accessToken!, CONTOSO.ordersApi)).xms_cc).toEqual(['cp1']);
  });

  test.each([
    { name: 'a wrong client secret', call: { ...daemon, clientSecret: 'not-the-secret', op: 'clientCredential', scopes: ['api://orders-api/.default'] }, errorCode: 'invalid_client', code: 7000215 },
    { name: 'a resource the tenant does not have', call: { ...daemon, op: 'clientCredential', scopes: ['api://nowhere/.default'] }, errorCode: 'invalid_resource', code: 500011 },
    { name: 'a wrong password', call: { ...alice, password: 'not-her-password', scopes: ['api://orders-api/Orders.Read'] }, errorCode: 'invalid_grant', code: 50126 },
  ])('$name: MSAL surfaces Entra\'s $errorCode, AADSTS$code', async ({ call, errorCode, code }) => {
    const out = await msal(call);
    expect(out.error).toMatchObject({ name: 'ServerError', errorCode, errorNo: code });
    expect(out.error!.errorMessage).toMatch(new RegExp(`Description: AADSTS${code}: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36}`));
  });

  test('on-behalf-of with an assertion for another audience: AADSTS500131', async () => {
    const user = await msal({ ...alice, scopes: ['api://orders-api/Orders.Read'] });
    const out = await msal({ ...storefront, op: 'onBehalfOf', oboAssertion: user.accessToken, scopes: ['api://orders-api/Orders.Read'] });
    expect(out.error).toMatchObject({ errorCode: 'invalid_grant', errorNo: 500131 });
    expect(out.error!.errorMessage).toMatch(/AADSTS500131: Assertion audience does not match the Client app presenting the assertion/);
  });

  test('on-behalf-of to an API the middle tier was not consented to: AADSTS65001, which MSAL raises as interaction required', async () => {
    const user = await msal({ ...alice, scopes: ['api://storefront-api/Storefront.Access'] });
    const out = await msal({ ...storefront, op: 'onBehalfOf', oboAssertion: user.accessToken, scopes: ['api://legacy-api/user_impersonation'] });
    expect(out.error).toMatchObject({ name: 'InteractionRequiredAuthError', errorCode: 'invalid_grant', subError: 'consent_required', errorNo: 65001 });
  });
});

describe('@azure/identity', () => {
  test('ClientSecretCredential with enableCae: the token carries xms_cc (the claims parameter, cp1)', async () => {
    const out = await identity({ clientId: CONTOSO.daemon.id, secret: CONTOSO.daemon.secret, scope: 'api://orders-api/.default', enableCae: true });
    expect(await verifyOverTls(idp, out.accessToken!, CONTOSO.ordersApi)).toMatchObject({ azp: CONTOSO.daemon.id, xms_cc: ['cp1'] });
  });

  test('ClientCertificateCredential signs its assertion with the certificate\'s key: azpacr 2', async () => {
    const certificate = readFileSync(new URL('../../fixtures/keys/orders-cert-daemon.key.pem', import.meta.url), 'utf8') + readFileSync(new URL('../../fixtures/keys/orders-cert-daemon.crt.pem', import.meta.url), 'utf8');
    const out = await identity({ clientId: '2c4e6a8b-1d3f-4b5a-9c7e-8f6d4b2a0c1e', certificate, scope: 'api://orders-api/.default' });
    expect(decodeJwt(out.accessToken!)).toMatchObject({ azpacr: '2', roles: ['Orders.Read', 'Orders.Write'] });
  });

  test('a wrong secret: the credential fails with Entra\'s AADSTS7000215', async () => {
    const out = await identity({ clientId: CONTOSO.daemon.id, secret: 'not-the-secret', scope: 'api://orders-api/.default' });
    expect(out.accessToken).toBeUndefined();
    expect(out.error!.message).toMatch(/^invalid_client: Error\(s\): 7000215 .* Description: AADSTS7000215: Invalid client secret provided/);
  });
});
