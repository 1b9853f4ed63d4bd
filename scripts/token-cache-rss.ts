/**
 * Resource bound (docs/reliability.md §3): N distinct valid tokens, each sent twice (the second
 * verification stores it), through the reference pipeline with the DEFAULT
 * verified-token cache settings; the process's RSS must stay under --max-rss-mb (300).
 *
 *   node --expose-gc scripts/token-cache-rss.ts [--tokens 1000000] [--token-bytes 1400] [--max-rss-mb 300] [--out FILE]
 *
 * In process (no HTTP): the pipeline, key cache and token cache are the ones the server builds from
 * the config; tokens are minted one at a time and dropped (ES256 via node:crypto, see
 * gateway-under-test/test/reference-support/distinct-tokens.ts), so the RSS measured is the gateway's
 * plus a small constant for the minter. Exit 1 when the bound is broken or a token is refused.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { distinctTokens } from '../gateway-under-test/test/reference-support/distinct-tokens.ts';
import { inProcessGateway } from '../gateway-under-test/test/reference-support/in-process-gateway.ts';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '1000000' },
    'token-bytes': { type: 'string', default: '1400' },
    'max-rss-mb': { type: 'string', default: '300' },
    out: { type: 'string' },
    /** Overrides tokenCache.maxBytes (MiB) to compare against the default; omit for the default. */
    'cache-max-mb': { type: 'string' },
  },
});
const total = Number(values.tokens);
const maxRss = Number(values['max-rss-mb']) * 1024 * 1024;
const ISS = 'https://login.gatecheck.test/72f988bf/v2.0';
const AUD = 'api://orders';
const gcFn = (globalThis as { gc?: () => void }).gc;

const tokens = distinctTokens({ issuer: ISS, audience: AUD, nowSeconds: Math.floor(Date.now() / 1000), tokenBytes: Number(values['token-bytes']) });
const gw = await inProcessGateway({
  issuers: [{ issuer: ISS, keys: [tokens.jwk], algorithms: ['ES256'] }],
  audiences: [AUD],
  routes: [{ path: '/x' }],
  upstream: { url: 'http://127.0.0.1:9' },
  log: { level: 'silent', accessLog: false },
  ...(values['cache-max-mb'] ? { tokenCache: { maxBytes: Number(values['cache-max-mb']) * 1048576 } } : {}),
});
const cache = gw.runtime.tokenCache!;
const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
const rssStart = process.memoryUsage().rss;
let peakRss = rssStart;
let refused = 0;
const samples: { tokens: number; rssMiB: number; heapUsedMiB: number; cacheEntries: number; cacheEstimatedMiB: number }[] = [];
const started = performance.now();
const load0 = loadavg()[0];
const every = Math.max(1000, Math.floor(total / 20));
for (let i = 0; i < total; i++) {
  // Twice: the cache stores a token on its second verification, and this bound is about a full cache.
  const token = tokens.token(i);
  if ((await gw.check(token)) !== undefined) refused++;
  if ((await gw.check(token)) !== undefined) refused++;
  if ((i + 1) % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if ((i + 1) % every === 0 || i + 1 === total) {
    const m = process.memoryUsage();
    samples.push({ tokens: i + 1, rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), cacheEntries: cache.size, cacheEstimatedMiB: mib(cache.bytes) });
    console.log(`  ${i + 1}/${total} tokens  rss ${mib(m.rss)} MiB  heap ${mib(m.heapUsed)} MiB  cache ${cache.size} entries / ${mib(cache.bytes)} MiB est.`);
  }
}
gcFn?.();
const settled = process.memoryUsage();
gw.stop();
const summary = {
  tokens: total,
  tokenBytes: tokens.token(0).length,
  refused,
  defaults: { maxEntries: cache.maxEntries, maxBytes: cache.maxBytes },
  cacheEntriesAtEnd: cache.size,
  cacheEstimatedBytesAtEnd: cache.bytes,
  rssStartMiB: mib(rssStart),
  peakRssMiB: mib(peakRss),
  settledRssMiB: mib(settled.rss),
  settledHeapUsedMiB: mib(settled.heapUsed),
  maxRssMiB: mib(maxRss),
  withinBound: peakRss < maxRss && refused === 0,
  samples,
  elapsedSeconds: Math.round((performance.now() - started) / 1000),
  machine: { cpus: cpus().length, loadAverage1mBefore: load0, loadAverage1mAfter: loadavg()[0] },
  node: process.version,
};
console.log(JSON.stringify({ ...summary, samples: `${samples.length} samples` }, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = summary.withinBound ? 0 : 1;
