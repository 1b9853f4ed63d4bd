import { PublicClientApplication } from '@azure/msal-node';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const app = new PublicClientApplication({
  auth: {
    clientId: '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f', // orders-cli, "Allow public client flows"
    authority: `${idp}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c`, // contoso
    knownAuthorities: [new URL(idp).host],
  },
});
// Username and password (ROPC); the password is the tenant file's public demo value.
const result = await app.acquireTokenByUsernamePassword({
  username: 'alice@contoso.example',
  password: 'alice-demo-password',
  scopes: ['api://orders-api/Orders.Read'],
});
console.log(result!.accessToken);
