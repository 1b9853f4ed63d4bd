import { findTenant, type TenantRuntime } from '../tenant-runtime.ts';
import { mint } from './mint.ts';
import { MintError } from './mint-error.ts';
import type { MintResult, TokenRecipe } from './token-recipe.ts';

/** `mint` for a whole mock: picks the tenant the recipe names (default: the first tenant). */
export async function mintWithTenants(tenants: readonly TenantRuntime[], recipe: TokenRecipe): Promise<MintResult> {
  const runtime = recipe.tenant === undefined ? tenants[0] : findTenant(tenants, recipe.tenant);
  if (!runtime) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'tenant', `no tenant "${recipe.tenant ?? ''}"`);
  return mint(runtime, recipe, { tenants });
}
