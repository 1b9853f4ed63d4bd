/**
 * Soak (docs/reliability.md §3): `node scripts/soak.ts [--minutes 10] [--calibrate-seconds 15] [--fraction 0.7] [--connections 32] [--out FILE]`.
 *
 * The reference gateway runs in its own process (scripts/support/serve-reference-gateway.ts, default
 * config apart from static ES256 keys), in front of a loopback echo upstream. First a closed-loop burst
 * (--connections in flight) measures the maximum rate; then requests are paced at --fraction of it for
 * --minutes, over a pool of distinct valid tokens, while the gateway's RSS is sampled from /proc.
 * Pass: zero errors (every answer 200) and no memory growth: after a warm-up (the first fifth, at least
 * 30 s), the median RSS of the last third of samples is within 10% + 8 MiB of the first third's. Exit 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { distinctTokens } from '../gateway-under-test/test/reference-support/distinct-tokens.ts';
import { startEchoUpstream } from '../gateway-under-test/test/reference-support/echo-upstream.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'calibrate-seconds': { type: 'string', default: '15' },
    fraction: { type: 'string', default: '0.7' },
    connections: { type: 'string', default: '32' },
    tokens: { type: 'string', default: '5000' },
    out: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const connections = Number(values.connections);
const ISS = 'https://login.gatecheck.test/72f988bf/v2.0';
const AUD = 'api://orders';

const upstream = await startEchoUpstream();
// The echo upstream keeps every request it saw; a soak must not measure that list growing.
const seen = upstream.seen;
const trim = setInterval(() => seen.splice(0, seen.length), 1000);
const tokens = distinctTokens({ issuer: ISS, audience: AUD, nowSeconds: Math.floor(Date.now() / 1000) });
if (minutes > 55) throw new Error("--minutes above 55 outlives the tokens (exp = now + 1 h)");
const pool = Array.from({ length: Number(values.tokens) }, (_, i) => tokens.token(i));
const config = {
  listen: { host: '127.0.0.1', port: 0 },
  admin: false,
  issuers: [{ issuer: ISS, keys: [tokens.jwk], algorithms: ['ES256'] }],
  audiences: [AUD],
  routes: [{ path: '/*' }],
  upstream: { url: upstream.url },
  log: { level: 'warn', accessLog: false },
};
const child = spawn(process.execPath, [new URL('./support/serve-reference-gateway.ts', import.meta.url).pathname, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
});
const rssOf = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const client = new Pool(url, { connections, pipelining: 1 });
let sent = 0;
let ok = 0;
const errors: Record<string, number> = {};
async function one(): Promise<void> {
  const token = pool[sent++ % pool.length];
  try {
    const res = await client.request({ method: 'GET', path: '/api/orders', headers: { authorization: `Bearer ${token}` } });
    await res.body.dump();
    if (res.statusCode === 200) ok++;
    else errors[String(res.statusCode)] = (errors[String(res.statusCode)] ?? 0) + 1;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    errors[code] = (errors[code] ?? 0) + 1;
  }
}

// 1. Maximum rate: closed loop, `connections` in flight.
const calibrateMs = Number(values['calibrate-seconds']) * 1000;
const c0 = performance.now();
await Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() - c0 < calibrateMs) await one();
}));
const maxRate = ok / ((performance.now() - c0) / 1000);
if (ok === 0) throw new Error(`calibration got no 200 at all: ${JSON.stringify(errors)}`);
const target = maxRate * Number(values.fraction);
console.log(`max ${maxRate.toFixed(0)} req/s over ${values['calibrate-seconds']} s; soaking at ${target.toFixed(0)} req/s for ${minutes} min`);
const calibration = { sent, ok, errors: { ...errors } };
sent = 0;
ok = 0;
for (const k of Object.keys(errors)) delete errors[k];

// 2. Paced: every 10 ms, send what the target rate owes (bounded in flight so a stall can't pile up requests).
const samples: { atSeconds: number; rssMiB: number; sent: number }[] = [];
const s0 = performance.now();
const durationMs = minutes * 60_000;
let inflight = 0;
let due = 0;
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const elapsed = performance.now() - s0;
    if (elapsed >= durationMs) {
      clearInterval(tick);
      const wait = setInterval(() => {
        if (inflight === 0) {
          clearInterval(wait);
          resolve();
        }
      }, 10);
      return;
    }
    due = (elapsed / 1000) * target - sent;
    while (due >= 1 && inflight < connections * 4) {
      inflight++;
      due--;
      void one().finally(() => inflight--);
    }
  }, 10);
  const sampler = setInterval(() => {
    const at = (performance.now() - s0) / 1000;
    if (at * 1000 >= durationMs) return clearInterval(sampler);
    samples.push({ atSeconds: Math.round(at), rssMiB: Math.round((rssOf() / 1048576) * 10) / 10, sent });
    if (samples.length % 6 === 0) console.log(`  ${Math.round(at)} s  sent ${sent}  ok ${ok}  errors ${JSON.stringify(errors)}  gateway rss ${samples.at(-1)!.rssMiB} MiB`);
  }, 5000);
});
const seconds = (performance.now() - s0) / 1000;
// Warm-up (V8 grows its heap lazily at first) is the first fifth, at least 30 s; growth is judged after it.
const warm = samples.filter((s) => s.atSeconds >= Math.max(30, (durationMs / 1000) * 0.2));
const third = Math.max(1, Math.floor(warm.length / 3));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const early = median(warm.slice(0, third).map((s) => s.rssMiB));
const late = median(warm.slice(-third).map((s) => s.rssMiB));
const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
const summary = {
  minutes,
  calibration: { seconds: Number(values['calibrate-seconds']), connections, maxRatePerSecond: Math.round(maxRate), ...calibration },
  soak: { targetRatePerSecond: Math.round(target), achievedRatePerSecond: Math.round(sent / seconds), sent, ok, errors, errorCount },
  gatewayRss: { afterWarmUp: { firstThirdMedianMiB: early, lastThirdMedianMiB: late }, maxMiB: Math.max(...samples.map((s) => s.rssMiB)), samples: samples.length },
  pass: errorCount === 0 && sent === ok && late <= early * 1.1 + 8,
  machine: { cpus: cpus().length, loadAverage1m: loadavg()[0] },
  node: process.version,
};
console.log(JSON.stringify(summary, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...summary, rssSamples: samples }, null, 2)}\n`);
process.exitCode = summary.pass ? 0 : 1;
await client.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
clearInterval(trim);
await upstream.close();
