import { request } from 'undici';
import type { MockIdp, TokenVariant } from '../../mock-idp/index.ts';
import { LoadInputError } from './load-input-error.ts';
import { mintTokenPool } from './mint-pool.ts';

/** Where a scenario's tokens come from: an in-process mock (fast: worker threads) or a running one's control API. */
export interface PoolSource {
  /** `onProgress` hears how many of `count` are minted so far, now and then, for a progress display. */
  mint(variant: TokenVariant, count: number, tenant: string, onProgress?: (minted: number) => void): Promise<string[]>;
}

// Progress from the token-by-token paths every this many tokens.
const PROGRESS_EVERY = 100;

// The forge path signs one token per call; beyond this a pool should come from the worker minter.
const FORGE_LIMIT = 10_000;

/**
 * Tokens the mock would accept are signed in bulk by the worker-thread minter from one forged
 * template; everything else comes from the forge itself, token by token (bad tokens need few).
 */
export function mockIdpPoolSource(idp: MockIdp): PoolSource {
  return {
    async mint(variant, count, tenant, onProgress) {
      const template = await idp.mint({ tenant, ...variant.recipe });
      const key = variant.recipe.key ?? 'primary';
      const bulk = count > 1 && variant.expect === 'accept' && (key === 'primary' || key === 'next') && template.header && template.claims;
      if (bulk) {
        const signing = idp.keys(tenant).byState(key);
        if (!signing) throw new LoadInputError('ERR_POOL_KEY', `tenant ${tenant} has no ${key} key to sign ${variant.name}`);
        const uniqueClaim = 'uti' in template.claims! ? 'uti' : 'jti';
        return (await mintTokenPool({ count, header: template.header!, claims: template.claims!, privateKey: signing.privateKey, uniqueClaim, onProgress: (minted) => onProgress?.(minted) })).tokens;
      }
      if (count > FORGE_LIMIT) throw new LoadInputError('ERR_POOL_TOO_LARGE', `${variant.name}: ${count} tokens from the forge is too many (at most ${FORGE_LIMIT})`);
      const tokens = [template.token];
      while (tokens.length < count) {
        tokens.push((await idp.mint({ tenant, ...variant.recipe })).token);
        if (tokens.length % PROGRESS_EVERY === 0) onProgress?.(tokens.length);
      }
      return tokens;
    },
  };
}

/** A mock IdP running elsewhere (`gatecheck idp`): one control API call per token. */
export function controlApiPoolSource(idpUrl: string, adminToken?: string): PoolSource {
  return {
    async mint(variant, count, tenant, onProgress) {
      if (count > FORGE_LIMIT) throw new LoadInputError('ERR_POOL_TOO_LARGE', `${variant.name}: ${count} tokens over the control API is too many (at most ${FORGE_LIMIT}); lower the pool size`);
      const url = `${idpUrl.replace(/\/$/, '')}/_admin/tenants/${encodeURIComponent(tenant)}/tokens`;
      const tokens: string[] = [];
      while (tokens.length < count) {
        const res = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
          body: JSON.stringify({ variant: variant.name }),
          headersTimeout: 10_000,
        });
        const body = (await res.body.json()) as { token?: string; error_description?: string };
        if (res.statusCode !== 200 || !body.token) throw new LoadInputError('ERR_POOL_MINT', `${url} answered ${res.statusCode}: ${body.error_description ?? 'no token'}`);
        tokens.push(body.token);
        if (tokens.length % PROGRESS_EVERY === 0) onProgress?.(tokens.length);
      }
      return tokens;
    },
  };
}
