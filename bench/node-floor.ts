// Usage: node bench/node-floor.ts [--duration 4s] [--rounds 3] [--connections 32] [--reference-workers 1[,2]]
//
// How much of the reference gateway's cost per request is Node itself. Measured in one run, interleaved,
// with wrk on 127.0.0.1, CPU time split into user and system from /proc:
//   - a minimal Node relay (bench/child/minimal-relay-main.ts: bytes copied, nothing parsed), the floor
//     any Node gateway stands on;
//   - the reference gateway's and HAProxy's pass-through routes (HTTP handled, no token);
//   - both on never-seen tokens (each request carries a token minted for it and sent once).
// Prints the median of the rounds per row. HAProxy is skipped when it is not installed. With
// --reference-workers 1,2 the reference gateway runs once per worker count, side by side in the same rounds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHaproxy } from '../gateway-under-test/haproxy/start-haproxy.ts';
import { findPeerBinary } from '../gateway-under-test/process/find-peer-binary.ts';
import { mintTokenPool } from '../load/runner/mint-pool.ts';
import { startTestIssuer } from '../suites/harness/test-issuer.ts';
import { startNodeChild } from './child/start-node-child.ts';
import { referenceConfig } from './gateway.bench.ts';
import { parseDuration } from './parse-duration.ts';
import { processTreeCpuSplitMs } from './process-cpu.ts';
import { runWrk } from './wrk/run-wrk.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4s' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'reference-workers': { type: 'string', default: '1' },
  },
});
const seconds = parseDuration(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds: expected a positive integer, got ${JSON.stringify(values.rounds)}`);
if (!Number.isInteger(connections) || connections < 1) throw new RangeError(`--connections: expected a positive integer, got ${JSON.stringify(values.connections)}`);
const workerCounts = values['reference-workers'].split(',').map(Number);
if (workerCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new RangeError(`--reference-workers: expected positive integers separated by commas, got ${JSON.stringify(values['reference-workers'])}`);

interface Target {
  label: string;
  url: string;
  path: string;
  pid: number;
  neverSeen: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'gatecheck-floor-'));
const issuer = await startTestIssuer();
const running: Array<{ stop(): Promise<void> }> = [];
try {
  const upstream = await startNodeChild('echo-upstream', 'echo-upstream-main.ts');
  running.push(upstream);
  const relay = await startNodeChild('minimal-relay', 'minimal-relay-main.ts', { upstream: upstream.url });
  running.push(relay);
  const targets: Target[] = [{ label: 'minimal Node relay (no parsing)', url: relay.url, path: '/api/orders', pid: relay.pid, neverSeen: false }];
  for (const workers of workerCounts) {
    const reference = await startNodeChild('reference-gateway', 'reference-gateway-main.ts', referenceConfig(issuer, upstream.url, workers));
    running.push(reference);
    const name = workerCounts.length > 1 ? `reference gateway (${workers} worker${workers > 1 ? 's' : ''})` : 'reference gateway';
    targets.push(
      { label: `${name} pass-through`, url: reference.url, path: '/pass/api/orders', pid: reference.pid, neverSeen: false },
      { label: `${name}, never-seen tokens`, url: reference.url, path: '/api/orders', pid: reference.pid, neverSeen: true },
    );
  }
  if (findPeerBinary('haproxy')) {
    const haproxy = await startHaproxy({
      upstream: upstream.url,
      issuer: issuer.issuer,
      audience: issuer.audience,
      requiredRole: issuer.role,
      passThroughPath: '/pass',
      accessLog: false,
      publicKeyFile: issuer.publicKeyFile,
    });
    running.push(haproxy);
    targets.splice(1, 0, { label: 'HAProxy pass-through', url: haproxy.url, path: '/pass/api/orders', pid: haproxy.pid, neverSeen: false });
    targets.push({ label: 'HAProxy jwt_verify, never-seen tokens', url: haproxy.url, path: '/api/orders', pid: haproxy.pid, neverSeen: true });
  } else console.log('HAProxy not installed: its rows are skipped (apt-get install haproxy).');

  const same = join(dir, 'same.tokens');
  writeFileSync(same, `${await issuer.token()}\n`);
  // 20k req/s is above what either gateway validated here on two cores; a round that runs out says so (tokens sent twice).
  const perMeasurement = Math.ceil(20_000 * seconds) + connections;
  const neverSeenTargets = targets.filter((t) => t.neverSeen).length;
  console.log(`minting ${(perMeasurement * rounds * neverSeenTargets).toLocaleString('en-US')} never-seen tokens…`);
  const pool = (await mintTokenPool({ ...issuer.signingTemplate(), count: perMeasurement * rounds * neverSeenTargets, uniqueClaim: 'jti' })).tokens;
  let next = 0;

  for (const t of targets) await runWrk({ url: t.url, path: t.path, tokensFile: same, durationSeconds: 1, connections, threads: 1 });
  const results = new Map<string, Array<{ rps: number; user: number; system: number; reused: number }>>();
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      let tokensFile = same;
      if (t.neverSeen) {
        tokensFile = join(dir, 'never-seen.tokens');
        writeFileSync(tokensFile, `${pool.slice(next, next + perMeasurement).join('\n')}\n`);
        next += perMeasurement;
      }
      const before = processTreeCpuSplitMs(t.pid);
      const r = await runWrk({ url: t.url, path: t.path, tokensFile, tokenOrder: t.neverSeen ? 'once' : 'cycle', durationSeconds: seconds, connections, threads: 1 });
      const after = processTreeCpuSplitMs(t.pid);
      if (!before || !after) throw new Error('no /proc: CPU time cannot be read on this system');
      if (r.statusErrors + r.socketErrors > 0) throw new Error(`${t.label}: ${r.statusErrors} non-2xx answers, socket errors ${r.socketErrorDetail}`);
      const row = { rps: r.requestsPerSecond, user: ((after.userMs - before.userMs) * 1000) / r.requests, system: ((after.systemMs - before.systemMs) * 1000) / r.requests, reused: r.reused };
      console.log(`  round ${round}: ${t.label}: ${Math.round(row.rps)} req/s, ${(row.user + row.system).toFixed(1)} CPU µs/req${row.reused ? ` (${row.reused} tokens sent twice)` : ''}`);
      results.set(t.label, [...(results.get(t.label) ?? []), row]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedian of ${rounds} round(s), ${seconds} s each, ${connections} connections, CPU of the server's process tree per request\n`);
  console.log('| target | req/s | CPU µs/req | user | system |\n| --- | ---: | ---: | ---: | ---: |');
  for (const [label, rows] of results) {
    const cells = [median(rows.map((r) => r.rps)), median(rows.map((r) => r.user + r.system)), median(rows.map((r) => r.user)), median(rows.map((r) => r.system))];
    console.log(`| ${label} | ${Math.round(cells[0]).toLocaleString('en-US')} | ${cells.slice(1).map((c) => c.toFixed(1)).join(' | ')} |`);
  }
} finally {
  for (const r of running.reverse()) await r.stop();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
}
