import { fileURLToPath } from 'node:url';
import { createTenantRuntime, type TenantRuntime } from '../../tenant-runtime.ts';
import { loadTenantFile } from '../../tenants/load-tenants.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/tenants/', import.meta.url));

/** A tenant runtime from the default fixtures with fresh keys, without any server (issuers on a fake origin). */
export async function fixtureRuntime(name = 'contoso', baseUrl = 'http://127.0.0.1:9400'): Promise<TenantRuntime> {
  const tenant = loadTenantFile(`${FIXTURES}${name}.yaml`);
  return createTenantRuntime(tenant, { baseUrl, issuerStyle: 'local', lifetime: { min: 3600, max: 5400 } });
}
