import { ClientSecretCredential } from '@azure/identity';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
const credential = new ClientSecretCredential(
  '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c', // contoso
  '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', // orders-daemon
  'demo-secret-not-for-production',
  { authorityHost: idp, disableInstanceDiscovery: true },
);
const { token } = await credential.getToken('api://orders-api/.default');
console.log(token);
