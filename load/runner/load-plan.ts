import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Scenario } from '../scenarios/scenario-schema.ts';
import { LoadInputError } from './load-input-error.ts';
import type { TokenPoolFile } from './mint-pool.ts';

export interface PlanPool {
  /** Unique within the plan: the variant, suffixed when a scenario lists it twice. */
  name: string;
  variant: string;
  /** The forge's expectation for the variant under VARIANT_TARGET. */
  expect: 'accept' | 'reject' | 'either';
  weight: number;
  /** Token pool file (TokenPoolFile JSON), relative to the plan file. */
  file: string;
}

/**
 * What both engines run: the resolved scenario, where to send it, how to drive the mock's control
 * API, and the token pools. Written as `plan.json` beside the pool files; k6 reads it with `open()`.
 */
export interface LoadPlan {
  format: 'gatecheck-load-plan/1';
  scenario: Scenario;
  /** Target base URL, no trailing slash. */
  targetUrl: string;
  control?: { idpUrl: string; adminToken?: string };
  pools: PlanPool[];
}

export interface LoadPool extends Omit<PlanPool, 'file'> {
  tokens: string[];
}

/** Reads plan.json and its pool files; a stale pool is refused rather than measured as 401s. */
export function readLoadPlan(file: string, now = Date.now()): { plan: LoadPlan; pools: LoadPool[] } {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as LoadPlan;
  if (plan.format !== 'gatecheck-load-plan/1') throw new LoadInputError('ERR_PLAN_INVALID', `${file}: not a gatecheck load plan`);
  const pools = plan.pools.map(({ file: poolFile, ...pool }) => {
    const path = join(dirname(file), poolFile);
    const data = JSON.parse(readFileSync(path, 'utf8')) as TokenPoolFile;
    if (pool.expect === 'accept' && data.expiresAt && Date.parse(data.expiresAt) < now + plan.scenario.durationSeconds * 1000) {
      throw new LoadInputError('ERR_POOL_EXPIRED', `${path}: its tokens expire at ${data.expiresAt}, before the run would end; mint the pools again`);
    }
    return { ...pool, tokens: data.tokens };
  });
  return { plan, pools };
}
