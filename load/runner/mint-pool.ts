import { randomBytes, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { PoolSlice } from './mint-pool-worker.ts';

export interface TokenPoolSpec {
  count: number;
  /** The protected header every token carries (its `alg` decides the signature: RS* or PS*). */
  header: Record<string, unknown>;
  /** The claims of one genuine token; `uniqueClaim` gets a distinct value per token. */
  claims: Record<string, unknown>;
  /** Default `uti` (Entra's unique token id); use `jti` for RFC 9068 tokens. */
  uniqueClaim?: string;
  privateKey: KeyObject;
  /** Default: os.availableParallelism(). */
  workers?: number;
  onProgress?: (minted: number, total: number) => void;
}

export interface TokenPool {
  tokens: string[];
  workers: number;
  elapsedMs: number;
}

/** What the load engines (embedded runner, k6 scripts) read; k6 reads it with `open()` + JSON.parse. */
export interface TokenPoolFile {
  format: 'gatecheck-token-pool/1';
  createdAt: string;
  count: number;
  alg: string;
  kid?: string;
  issuer?: string;
  audience?: unknown;
  /** Earliest `exp` in the pool, ISO: engines should refuse a stale pool rather than measure 401s. */
  expiresAt?: string;
  tokens: string[];
}

const SLOT = 'GATECHECK_POOL_SLOT';

/** Mints `count` distinct signed tokens from one template, spread over worker threads. */
export async function mintTokenPool(spec: TokenPoolSpec): Promise<TokenPool> {
  const alg = String(spec.header.alg);
  if (!/^(RS|PS)(256|384|512)$/.test(alg)) throw new RangeError(`token pools are RSA-signed; header alg ${alg} is not RS*/PS*`);
  const unique = spec.uniqueClaim ?? 'uti';
  const workers = Math.max(1, Math.min(spec.workers ?? availableParallelism(), spec.count));
  const [payloadPrefix, payloadSuffix] = JSON.stringify({ ...spec.claims, [unique]: SLOT }).split(`"${SLOT}"`);
  const base = {
    headerSegment: Buffer.from(JSON.stringify(spec.header)).toString('base64url'),
    payloadPrefix,
    payloadSuffix,
    // Random per pool, so two pools never share a token even with the same template.
    uniquePrefix: randomBytes(9).toString('base64url'),
    alg,
    key: spec.privateKey,
  };
  const started = performance.now();
  let minted = 0;
  const per = Math.ceil(spec.count / workers);
  const slices = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const slice: PoolSlice = { ...base, start: w * per, end: Math.min(spec.count, (w + 1) * per) };
      return new Promise<string[]>((resolve, reject) => {
        const worker = new Worker(new URL('./mint-pool-worker.ts', import.meta.url), { workerData: slice });
        worker.on('message', (m: { progress?: number; tokens?: string[] }) => {
          if (m.progress) spec.onProgress?.((minted += m.progress), spec.count);
          if (m.tokens) resolve(m.tokens);
        });
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`token pool worker exited with ${code}`)));
      });
    }),
  );
  const tokens = slices.flat();
  return { tokens, workers, elapsedMs: performance.now() - started };
}

export function tokenPoolFile(pool: TokenPool, spec: Pick<TokenPoolSpec, 'header' | 'claims'>): TokenPoolFile {
  const exp = spec.claims.exp;
  return {
    format: 'gatecheck-token-pool/1',
    createdAt: new Date().toISOString(),
    count: pool.tokens.length,
    alg: String(spec.header.alg),
    ...(typeof spec.header.kid === 'string' ? { kid: spec.header.kid } : {}),
    ...(typeof spec.claims.iss === 'string' ? { issuer: spec.claims.iss } : {}),
    ...(spec.claims.aud !== undefined ? { audience: spec.claims.aud } : {}),
    ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000).toISOString() } : {}),
    tokens: pool.tokens,
  };
}

// `node load/runner/mint-pool.ts --count 100000 --out pool.json [--tenant contoso] [--keys DIR] [--base-url URL] [--lifetime 12h]`
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      out: { type: 'string' },
      tenant: { type: 'string', default: 'contoso' },
      keys: { type: 'string' },
      'base-url': { type: 'string', default: 'http://127.0.0.1:9400' },
      lifetime: { type: 'string', default: '12h' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  const fail = (message: string): never => {
    process.stderr.write(`mint-pool: ${message}\n`);
    process.exit(2);
  };
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) fail(`--count: expected a positive integer, got ${values.count}`);
  if (!values.out) fail('--out FILE is required');
  const { mint, createTenantRuntime, findTenant, loadTenants } = await import('../../mock-idp/index.ts');
  const tenant = findTenant(loadTenants().map((t) => ({ tenant: t })), values.tenant)?.tenant ?? fail(`no tenant ${values.tenant}`);
  const runtime = await createTenantRuntime(tenant, { baseUrl: values['base-url'], issuerStyle: 'local', keysDir: values.keys, lifetime: { min: 3600, max: 5400 } });
  const template = await mint(runtime, { claims: { exp: { in: `+${values.lifetime.replace(/^\+/, '')}` } } });
  const spec = { count, header: template.header!, claims: template.claims!, privateKey: runtime.keys.primary().privateKey, ...(values.workers ? { workers: Number(values.workers) } : {}) };
  const pool = await mintTokenPool({ ...spec, onProgress: (n, total) => process.stderr.write(`\rminted ${n}/${total}`) });
  writeFileSync(values.out!, JSON.stringify(tokenPoolFile(pool, spec)));
  process.stderr.write(`\rminted ${count} tokens with ${pool.workers} workers in ${(pool.elapsedMs / 1000).toFixed(2)} s → ${values.out}\n`);
  if (!values.keys) process.stderr.write('note: signed with a generated key; start the mock with the same key (--save-keys/--keys) for a gateway to accept them\n');
}
