import { DefaultAzureCredential } from '@azure/identity';

// No settings in code: the environment says where the managed identity's token service is, as on Azure.
// App Service:  IDENTITY_ENDPOINT=http://127.0.0.1:9400/contoso/msi/token  IDENTITY_HEADER=<from GET />
// A VM (IMDS):  AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:9400/contoso
// A user-assigned identity: AZURE_CLIENT_ID=7a9c1e3b-5d4f-4c6a-8b0d-2e4f6a8c0b1d (orders-sync)
const credential = new DefaultAzureCredential();
const { token } = await credential.getToken('api://orders-api/.default');
console.log(token);
