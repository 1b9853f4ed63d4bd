import { PublicClientApplication } from '@azure/msal-node';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const app = new PublicClientApplication({
  auth: {
    clientId: '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f', // orders-cli
    authority: `${idp}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c`, // contoso
    knownAuthorities: [new URL(idp).host],
  },
});
const result = await app.acquireTokenByDeviceCode({
  scopes: ['api://orders-api/Orders.Read'],
  deviceCodeCallback: async (response) => {
    console.error(response.message); // a person would open the page and type the code
    // Headless: approve the code as alice through the mock's control API (loopback only).
    await fetch(`${idp}/_admin/tenants/contoso/device-codes/${response.userCode}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice@contoso.example' }),
    });
  },
});
console.log(result!.accessToken);
