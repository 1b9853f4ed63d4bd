// Usage: node bench/pipeline-steps.ts [--tokens 30000]
//
// What each step of the reference gateway's token pipeline costs on never-seen tokens, in process (no
// HTTP): the pipeline and runtime the server builds from the bench's reference config, RS256 tokens
// minted by the worker-thread pool, each checked once. Prints CPU µs per token for the whole pipeline
// (three passes over fresh tokens) and wall µs per step (one more pass, timed step by step).
import { parseArgs } from 'node:util';
import { parseGatewayConfig } from '../gateway-under-test/reference/config.ts';
import { createGatewayRuntime } from '../gateway-under-test/reference/gateway-runtime.ts';
import { PIPELINE, runPipeline } from '../gateway-under-test/reference/pipeline/index.ts';
import { createContext } from '../gateway-under-test/reference/pipeline/types.ts';
import { mintTokenPool } from '../load/runner/mint-pool.ts';
import { startTestIssuer } from '../suites/harness/test-issuer.ts';
import { referenceConfig } from './gateway.bench.ts';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '30000' } } });
const n = Number(values.tokens);
if (!Number.isInteger(n) || n < 1) throw new RangeError(`--tokens: expected a positive integer, got ${JSON.stringify(values.tokens)}`);

const issuer = await startTestIssuer();
const runtime = createGatewayRuntime(parseGatewayConfig(referenceConfig(issuer, 'http://127.0.0.1:9', 1)), {}, Date.now);
try {
  await runtime.start();
  const pool = await mintTokenPool({ ...issuer.signingTemplate(), count: n * 4, uniqueClaim: 'jti' });
  const context = (i: number) => createContext({ method: 'GET', authorization: [`Bearer ${pool.tokens[i]}`], query: '', formBody: null }, null, Date.now());
  for (let pass = 0; pass < 3; pass++) {
    const before = process.cpuUsage();
    let refused = 0;
    for (let i = pass * n; i < (pass + 1) * n; i++) if (runPipeline(context(i), runtime.env) !== undefined) refused++;
    const used = process.cpuUsage(before);
    console.log(`pass ${pass + 1}: ${((used.user + used.system) / n).toFixed(1)} CPU µs per never-seen token, ${refused} refused`);
  }
  const perStep = new Map<string, bigint>(PIPELINE.map((s) => [s.name, 0n]));
  for (let i = 3 * n; i < 4 * n; i++) {
    const ctx = context(i);
    for (const step of PIPELINE) {
      const t = process.hrtime.bigint();
      const result = step.run(ctx, runtime.env);
      perStep.set(step.name, perStep.get(step.name)! + process.hrtime.bigint() - t);
      if (result !== undefined) throw new Error(`step ${step.name} refused a genuine token: ${String(result)}`);
    }
  }
  console.log('\nwall µs per never-seen token, by step');
  for (const [name, ns] of perStep) console.log(`${name.padEnd(26)} ${(Number(ns) / n / 1000).toFixed(2)}`);
} finally {
  runtime.stop();
  await issuer.close();
}
