import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { findVariant } from '../../mock-idp/index.ts';
import type { Scenario } from '../scenarios/scenario-schema.ts';
import { LoadInputError } from './load-input-error.ts';
import type { LoadPlan, LoadPool, PlanPool } from './load-plan.ts';
import type { TokenPoolFile } from './mint-pool.ts';
import type { PoolSource } from './pool-source.ts';

export interface PreparePlanOptions {
  scenario: Scenario;
  targetUrl: string;
  control?: LoadPlan['control'];
  source: PoolSource;
  /** Where plan.json and the pool files go. */
  dir: string;
  tenant?: string;
  log?: (line: string) => void;
  /** While a pool is minted: which, how many so far, of how many (large pools take seconds). */
  onMintProgress?: (progress: { pool: string; minted: number; total: number }) => void;
}

/**
 * Mints every pool the scenario names ahead of the run and writes plan.json beside them, so the
 * engines spend no CPU on signing while they measure, and k6 and the embedded engine send the same tokens.
 */
export async function preparePlan(options: PreparePlanOptions): Promise<{ planFile: string; plan: LoadPlan; pools: LoadPool[] }> {
  const { scenario, dir } = options;
  const tenant = options.tenant ?? 'contoso';
  mkdirSync(dir, { recursive: true });
  const planPools: PlanPool[] = [];
  const pools: LoadPool[] = [];
  const seen = new Map<string, number>();
  for (const mix of scenario.tokens) {
    const variant = findVariant(mix.variant);
    if (!variant) throw new LoadInputError('ERR_UNKNOWN_VARIANT', `scenario ${scenario.name}: no forge variant "${mix.variant}" (gatecheck mint --list)`);
    const n = (seen.get(mix.variant) ?? 0) + 1;
    seen.set(mix.variant, n);
    const name = n === 1 ? mix.variant : `${mix.variant}-${n}`;
    const started = performance.now();
    options.onMintProgress?.({ pool: name, minted: 0, total: mix.count });
    const tokens = await options.source.mint(variant, mix.count, tenant, (minted) => options.onMintProgress?.({ pool: name, minted, total: mix.count }));
    options.log?.(`minted ${tokens.length} ${name} token(s) in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    const file = `pool-${name}.json`;
    writeFileSync(join(dir, file), JSON.stringify(poolFile(tokens)));
    const entry = { name, variant: variant.name, expect: variant.expect, weight: mix.weight };
    planPools.push({ ...entry, file });
    pools.push({ ...entry, tokens });
  }
  const plan: LoadPlan = {
    format: 'gatecheck-load-plan/1',
    scenario,
    targetUrl: options.targetUrl.replace(/\/$/, ''),
    ...(options.control ? { control: options.control } : {}),
    pools: planPools,
  };
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
  return { planFile, plan, pools };
}

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> };
  } catch {
    // Malformed variants have no readable segments; their pool file carries no metadata.
    return undefined;
  }
}

function poolFile(tokens: string[]): TokenPoolFile {
  // Pools come from one template minted just before, so the first and last token bound the expiry.
  const ends = [decode(tokens[0]), decode(tokens[tokens.length - 1])];
  const first = ends[0];
  const exps = ends.map((d) => d?.claims.exp).filter((e): e is number => typeof e === 'number');
  return {
    format: 'gatecheck-token-pool/1',
    createdAt: new Date().toISOString(),
    count: tokens.length,
    alg: typeof first?.header.alg === 'string' ? first.header.alg : 'unknown',
    ...(typeof first?.header.kid === 'string' ? { kid: first.header.kid } : {}),
    ...(typeof first?.claims.iss === 'string' ? { issuer: first.claims.iss } : {}),
    ...(first?.claims.aud !== undefined ? { audience: first.claims.aud } : {}),
    ...(exps.length ? { expiresAt: new Date(Math.min(...exps) * 1000).toISOString() } : {}),
    tokens,
  };
}
