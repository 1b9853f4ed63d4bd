import { ConfidentialClientApplication } from '@azure/msal-node';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const app = new ConfidentialClientApplication({
  auth: {
    clientId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', // orders-daemon
    clientSecret: 'demo-secret-not-for-production',
    authority: `${idp}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c`, // contoso
    knownAuthorities: [new URL(idp).host],
  },
});
const result = await app.acquireTokenByClientCredential({ scopes: ['api://orders-api/.default'] });
console.log(result!.accessToken);
