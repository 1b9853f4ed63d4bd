import { createRemoteJWKSet, jwtVerify } from 'jose';
import { setupServer } from 'msw/node';
import { mockIdpHandlers, mswTenants } from '../msw.ts'; // mock-idp/msw.ts in this repository

// Entra's own URLs answered in process: the code under test keeps its production settings.
const server = setupServer(...mockIdpHandlers({ tenants: await mswTenants() }));
server.listen({ onUnhandledFrame: 'error' });
try {
  const entra = 'https://login.microsoftonline.com/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c'; // contoso
  const response = await fetch(`${entra}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', // orders-daemon
      client_secret: 'demo-secret-not-for-production',
      scope: 'api://orders-api/.default',
    }),
  });
  const { access_token } = (await response.json()) as { access_token: string };
  const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${entra}/discovery/v2.0/keys`)), {
    issuer: `${entra}/v2.0`,
    audience: '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b', // orders-api
  });
  console.log(JSON.stringify(payload));
} finally {
  server.close();
}
