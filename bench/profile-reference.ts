// Usage: node bench/profile-reference.ts [--duration 5s] [--connections 32] [--workers 1] [--out DIR] [--top 30]
//
// Where the reference gateway's CPU goes on never-seen tokens: it runs in its own process under
// `--cpu-prof`, wrk sends each request a token the gateway has never received, and the profile's
// self time is summed per function and per file. The .cpuprofile files stay in --out for Chrome's
// DevTools or speedscope.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mintTokenPool } from '../load/runner/mint-pool.ts';
import { startTestIssuer } from '../suites/harness/test-issuer.ts';
import { startNodeChild } from './child/start-node-child.ts';
import { referenceConfig } from './gateway.bench.ts';
import { parseDuration } from './parse-duration.ts';
import { processTreeCpuMs } from './process-cpu.ts';
import { runWrk } from './wrk/run-wrk.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5s' },
    connections: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
    out: { type: 'string' },
    top: { type: 'string', default: '30' },
  },
});
const seconds = parseDuration(values.duration);
const connections = Number(values.connections);
const out = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'gatecheck-profile-')));
mkdirSync(out, { recursive: true });
const root = fileURLToPath(new URL('..', import.meta.url));

const issuer = await startTestIssuer();
const upstream = await startNodeChild('echo-upstream', 'echo-upstream-main.ts');
const gateway = await startNodeChild('reference-gateway', 'reference-gateway-main.ts', referenceConfig(issuer, upstream.url, Number(values.workers)), [
  '--cpu-prof',
  `--cpu-prof-dir=${out}`,
]);
try {
  // 40k req/s is above what one Node process verifies; the pool outlasts the measurement.
  const count = Math.ceil(40_000 * seconds) + connections;
  console.log(`minting ${count.toLocaleString('en-US')} never-seen tokens…`);
  const pool = await mintTokenPool({ ...issuer.signingTemplate(), count, uniqueClaim: 'jti' });
  const tokensFile = join(out, 'fresh.tokens');
  writeFileSync(tokensFile, `${pool.tokens.join('\n')}\n`);
  const before = processTreeCpuMs(gateway.pid);
  const r = await runWrk({ url: gateway.url, path: '/api/orders', tokensFile, tokenOrder: 'once', durationSeconds: seconds, connections, threads: 1 });
  const after = processTreeCpuMs(gateway.pid);
  const cpuUs = before !== undefined && after !== undefined ? ((after - before) * 1000) / r.requests : undefined;
  console.log(
    `${Math.round(r.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${r.p50Ms.toFixed(2)} ms, ${cpuUs?.toFixed(0) ?? '?'} CPU µs/req, errors ${r.statusErrors + r.socketErrors}, reused tokens ${r.reused}`,
  );
} finally {
  await gateway.stop();
  await upstream.stop();
  await issuer.close();
}

const files = readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
if (files.length === 0) throw new Error(`no .cpuprofile in ${out}: the gateway did not exit through process.exit`);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const f of files) {
  const profile = JSON.parse(readFileSync(join(out, f), 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = nodes.get(id)!;
    // Idle is the time before and after the load (and waits for the upstream): not the gateway's work.
    if (n.callFrame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const url = n.callFrame.url.startsWith('file://') ? relative(root, fileURLToPath(n.callFrame.url)) : n.callFrame.url || '(native)';
    const fn = `${n.callFrame.functionName || '(anonymous)'}  ${url}${n.callFrame.lineNumber >= 0 && url !== '(native)' ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byFile.set(url, (byFile.get(url) ?? 0) + dt);
  });
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
};
show('self time by function (share of the busy samples)', byFunction);
show('self time by file', byFile);
console.log(`\nprofiles: ${out}`);
