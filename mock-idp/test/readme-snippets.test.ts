import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pairwiseSubject } from '../entra/access-token-claims.ts';
import { createMockIdp, type MockIdp } from '../index.ts';
import { CONTOSO } from './support/entra-client.ts';
import { runNode, verifyOverTls } from './support/tls-clients.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const EXAMPLES = new URL('../examples/', import.meta.url);
const source = (name: string) => readFileSync(new URL(`${name}.ts`, EXAMPLES), 'utf8');

/**
 * What each snippet's token must say, checked after jose verified it against the tenant's keys and
 * issuer; `env`: the environment the snippet runs in besides the mock's URL and CA.
 */
const EXPECTED: Record<string, { audience: string; claims: Record<string, unknown>; env?: (idp: MockIdp) => Record<string, string> }> = {
  'identity-client-secret': { audience: CONTOSO.ordersApi, claims: { azp: CONTOSO.daemon.id, azpacr: '1', roles: ['Orders.Read'], idtyp: 'app' } },
  'identity-client-certificate': { audience: CONTOSO.ordersApi, claims: { azp: '2c4e6a8b-1d3f-4b5a-9c7e-8f6d4b2a0c1e', azpacr: '2', roles: ['Orders.Read', 'Orders.Write'] } },
  'msal-confidential-client': { audience: CONTOSO.ordersApi, claims: { azp: CONTOSO.daemon.id, roles: ['Orders.Read'], idtyp: 'app' } },
  'msal-public-client': { audience: CONTOSO.ordersApi, claims: { azp: CONTOSO.cli, azpacr: '0', oid: CONTOSO.alice.oid, scp: 'Orders.Read' } },
  'msal-device-code': { audience: CONTOSO.ordersApi, claims: { azp: CONTOSO.cli, oid: CONTOSO.alice.oid, scp: 'Orders.Read' } },
  'msal-on-behalf-of': {
    audience: CONTOSO.ordersApi,
    claims: { azp: CONTOSO.storefront.id, oid: CONTOSO.alice.oid, scp: 'Orders.Read', sub: pairwiseSubject(CONTOSO.alice.oid, CONTOSO.ordersApi) },
  },
  'openid-client': { audience: CONTOSO.ordersApi, claims: { azp: CONTOSO.daemon.id, roles: ['Orders.Read'] } },
  // As App Service sets it up: the endpoint and header the mock's index lists for contoso.
  'identity-managed-identity': {
    audience: CONTOSO.ordersApi,
    claims: { azp: '0d4f6b8a-2c1e-4a3b-9d5f-7e8a9b0c1d2e', azpacr: '2', idtyp: 'app', roles: ['Orders.Read'] },
    env: (idp) => ({ IDENTITY_ENDPOINT: `${idp.url}/contoso/msi/token`, IDENTITY_HEADER: idp.runtime('contoso').identityHeader }),
  },
};

describe('README "Using the mock from your code"', () => {
  const names = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

  test('every example is a snippet the test runs', () => {
    expect(names).toEqual([...Object.keys(EXPECTED), 'msw-handlers'].sort());
  });

  test.each(names)('the README shows %s.ts unchanged', (name) => {
    expect(README).toContain(`\`\`\`ts\n${source(name)}\`\`\``);
  });

  describe('each snippet runs against the mock over TLS and gets a token jose verifies', () => {
    let idp: MockIdp;
    beforeAll(async () => {
      // The device code snippet waits one polling interval; a second keeps the test short.
      idp = await createMockIdp({ port: 0, tls: true, deviceCode: { intervalSeconds: 1, lifetimeSeconds: 60 } });
    });
    afterAll(() => idp.close());

    test.each(Object.keys(EXPECTED))('%s', async (name) => {
      const stdout = await runNode(`mock-idp/examples/${name}.ts`, idp, EXPECTED[name].env?.(idp));
      const token = stdout.trim().split('\n').pop()!;
      const payload = await verifyOverTls(idp, token, EXPECTED[name].audience);
      expect(payload).toMatchObject({ tid: CONTOSO.id, ver: '2.0', ...EXPECTED[name].claims });
    });

    test('msw-handlers: Entra\'s own URLs, answered in process, give a token the snippet verified', async () => {
      const payload = JSON.parse((await runNode('mock-idp/examples/msw-handlers.ts', idp)).trim());
      expect(payload).toMatchObject({ iss: `https://login.microsoftonline.com/${CONTOSO.id}/v2.0`, aud: CONTOSO.ordersApi, azp: CONTOSO.daemon.id, roles: ['Orders.Read'] });
    });
  });
});
