import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const authority = `${idp}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c`; // contoso
const knownAuthorities = [new URL(idp).host];

// The token a user's app sends to storefront-api (here: alice signs in to orders-cli).
const cli = new PublicClientApplication({ auth: { clientId: '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f', authority, knownAuthorities } });
const user = await cli.acquireTokenByUsernamePassword({
  username: 'alice@contoso.example',
  password: 'alice-demo-password',
  scopes: ['api://storefront-api/Storefront.Access'],
});

// storefront-api, a middle tier, exchanges it for alice's token to orders-api.
const storefront = new ConfidentialClientApplication({
  auth: { clientId: '3e8f1a6c-7b2d-4c9e-8f0a-5d6c7b8a9e1f', clientSecret: 'demo-secret-not-for-production', authority, knownAuthorities },
});
const result = await storefront.acquireTokenOnBehalfOf({ oboAssertion: user!.accessToken, scopes: ['api://orders-api/Orders.Read'] });
console.log(result!.accessToken);
