import * as oidc from 'openid-client';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const config = await oidc.discovery(
  new URL(`${idp}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/v2.0`), // contoso's issuer
  '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', // orders-daemon
  'demo-secret-not-for-production',
);
const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api://orders-api/.default' });
console.log(tokens.access_token);
