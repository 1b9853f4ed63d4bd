import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigInput } from '../gateway-under-test/index.ts';
import { parseScenario, runLoad, type LoadResult } from '../load/index.ts';
import { startTestIssuer } from '../suites/harness/test-issuer.ts';
import type { BenchContext, BenchGroup, BenchReport } from './bench-group.ts';
import { startNodeChild } from './child/start-node-child.ts';
import { describeRoundRatio, roundRatio } from './round-ratios.ts';
import { StealGuard } from './steal-guard.ts';
import { runWrk, wrkBinary, type WrkResult } from './wrk/run-wrk.ts';

const GOAL = 0.8;
/**
 * One gateway process: its ceiling stays below what either tool can drive on this machine, so the
 * ratio compares the tools. With a target that uses every core, the comparison turns into how much
 * CPU each tool leaves the target (wrk in C leaves more).
 */
const TARGET_WORKERS = 1;
const PATH = '/pass/api/orders';

/**
 * Can the embedded engine drive a gateway as hard as wrk? Both tools, closed model with the same
 * connections, in turns against the same pass-through route of the reference gateway (its own
 * process, with the echo upstream in another), so the target's ceiling is the same for both.
 */
export const loadEngineBench: BenchGroup = {
  name: 'load-engine',
  description: `embedded load engine vs wrk against the same pass-through target (goal ≥ ${GOAL}× wrk's rate)`,
  async run(ctx: BenchContext): Promise<BenchReport> {
    const { settings } = ctx;
    wrkBinary();
    const issuer = await startTestIssuer();
    ctx.defer(() => issuer.close());
    const upstream = await startNodeChild('echo-upstream', 'echo-upstream-main.ts');
    ctx.defer(() => upstream.stop());
    const config: GatewayConfigInput = {
      admin: false,
      workers: TARGET_WORKERS,
      issuers: [{ issuer: issuer.issuer, keys: [issuer.publicJwk] }],
      audiences: [issuer.audience],
      routes: [{ path: '/pass*', auth: 'anonymous' }, { path: '/*', require: { values: [issuer.role], claims: ['roles'] } }],
      upstream: { url: upstream.url },
      log: { level: 'warn', accessLog: false },
    };
    const gateway = await startNodeChild('reference-gateway', 'reference-gateway-main.ts', config);
    ctx.defer(() => gateway.stop());

    // The same bearer token in both tools' requests, so the bytes on the wire match.
    const token = await issuer.token();
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-bench-load-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const tokensFile = join(dir, 'token');
    writeFileSync(tokensFile, `${token}\n`);
    const pools = [{ name: 'token', variant: 'valid', expect: 'either' as const, weight: 1, tokens: [token] }];

    const wrk = (seconds: number) => runWrk({ url: gateway.url, path: PATH, tokensFile, durationSeconds: seconds, connections: settings.connections, threads: settings.threads, signal: ctx.signal });
    const engine = (seconds: number) =>
      runLoad({
        url: gateway.url,
        scenario: parseScenario({ name: 'bench-passthrough', description: 'bench', path: PATH, load: { model: 'closed', connections: settings.connections }, durationSeconds: seconds, thresholds: { maxErrorRate: 1 } }),
        pools,
        signal: ctx.signal,
      });

    ctx.log('warming up (1 s each)…');
    await wrk(1);
    await engine(1);
    const wrkRuns: WrkResult[] = [];
    const engineRuns: LoadResult[] = [];
    const disturbed: Array<string | undefined> = [];
    const guard = new StealGuard(settings, ctx.log);
    // Alternating turns: drift on a shared machine lands on both tools, not on whichever ran second.
    for (let round = 1; round <= settings.rounds; round++) {
      ctx.signal.throwIfAborted();
      const { result: w, stealPercent: wrkSteal } = await guard.measure(`round ${round} wrk`, () => wrk(settings.durationSeconds));
      wrkRuns.push(w);
      ctx.log(`  [round ${round}] wrk      ${Math.round(w.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${w.p50Ms.toFixed(2)} ms  p99 ${w.p99Ms.toFixed(2)} ms`);
      const { result: e, stealPercent: engineSteal } = await guard.measure(`round ${round} embedded`, () => engine(settings.durationSeconds));
      disturbed.push(guard.disturbance(wrkSteal, engineSteal));
      engineRuns.push(e);
      ctx.log(`  [round ${round}] embedded ${Math.round(e.requests.perSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${e.latency.p50Ms.toFixed(2)} ms  p99 ${e.latency.p99Ms.toFixed(2)} ms  errors ${e.errors}`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const wrkRate = mean(wrkRuns.map((r) => r.requestsPerSecond));
    const engineRate = mean(engineRuns.map((r) => r.requests.perSecond));
    const ratio = roundRatio(engineRuns.map((r) => r.requests.perSecond), wrkRuns.map((r) => r.requestsPerSecond), disturbed);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    return {
      title: 'Load engine: embedded vs wrk, same pass-through target',
      versions: {},
      tables: [
        {
          caption: `Reference gateway pass-through route (${TARGET_WORKERS} worker process), closed model, ${settings.connections} connections, ${settings.durationSeconds} s × ${settings.rounds} round(s)`,
          columns: ['tool', 'req/s', 'p50 ms', 'p99 ms', 'errors', '× wrk', 'req/s per round'],
          rows: [
            ['wrk', fmt(wrkRate), mean(wrkRuns.map((r) => r.p50Ms)).toFixed(2), mean(wrkRuns.map((r) => r.p99Ms)).toFixed(2), String(wrkRuns.reduce((s, r) => s + r.statusErrors + r.socketErrors, 0)), '1.00', wrkRuns.map((r) => fmt(r.requestsPerSecond)).join(' / ')],
            ['gatecheck embedded', fmt(engineRate), mean(engineRuns.map((r) => r.latency.p50Ms)).toFixed(2), mean(engineRuns.map((r) => r.latency.p99Ms)).toFixed(2), String(engineRuns.reduce((s, r) => s + r.errors, 0)), ratio ? ratio.overall.toFixed(2) : '', engineRuns.map((r) => fmt(r.requests.perSecond)).join(' / ')],
          ],
        },
      ],
      notes: [
        `Goal: the embedded engine reaches ${describeRoundRatio(ratio, GOAL)} wrk's rate.`,
        guard.note(),
        `wrk ${settings.threads} thread(s) in C; the embedded engine is one Node event loop sending through the reference gateway's keep-alive client (dispatch handlers, no response stream or promise per request). Both share this machine's cores with the gateway and upstream processes, so the ratio is the result, not the absolute rates.`,
      ],
    };
  },
};
