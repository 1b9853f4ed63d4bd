import { readFileSync } from 'node:fs';
import { ClientCertificateCredential } from '@azure/identity';

const idp = process.env.IDP_URL ?? 'https://127.0.0.1:9400'; // npx gatecheck idp --tls
// The test-only key and certificate orders-cert-daemon is registered with (paths from the clone's root).
const certificate = readFileSync('fixtures/keys/orders-cert-daemon.key.pem', 'utf8') + readFileSync('fixtures/keys/orders-cert-daemon.crt.pem', 'utf8');
const credential = new ClientCertificateCredential(
  '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c', // contoso
  '2c4e6a8b-1d3f-4b5a-9c7e-8f6d4b2a0c1e', // orders-cert-daemon
  { certificate },
  { authorityHost: idp, disableInstanceDiscovery: true },
);
const { token } = await credential.getToken('api://orders-api/.default');
console.log(token);
