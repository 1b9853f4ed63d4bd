import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApacheOauth2, MOD_OAUTH2 } from '../gateway-under-test/apache-oauth2/start-apache-oauth2.ts';
import { startApacheOpenidc, MOD_AUTH_OPENIDC } from '../gateway-under-test/apache-openidc/start-apache-openidc.ts';
import { startHaproxy } from '../gateway-under-test/haproxy/start-haproxy.ts';
import type { GatewayConfigInput } from '../gateway-under-test/index.ts';
import { findPeerBinary } from '../gateway-under-test/process/find-peer-binary.ts';
import { startNodeJwtBearer } from '../gateway-under-test/node-jwt-bearer/start-node-jwt-bearer.ts';
import type { GatewayOptions } from '../gateway-under-test/process/gateway-options.ts';
import { startTestIssuer, type TestIssuer } from '../suites/harness/test-issuer.ts';
import { mintTokenPool } from '../load/runner/mint-pool.ts';
import { startNodeChild } from './child/start-node-child.ts';
import type { BenchContext, BenchGroup, BenchReport, BenchTable } from './bench-group.ts';
import { commandVersion, debianPackageVersion, packageVersion } from './machine-info.ts';
import { processTreeCpuSplitMs } from './process-cpu.ts';
import { describeRoundRatio, roundRatio } from './round-ratios.ts';
import { StealGuard } from './steal-guard.ts';
import { runWrk, wrkBinary, type WrkResult } from './wrk/run-wrk.ts';

type Mode = 'same' | 'revisit' | 'fresh';

interface TokenSource {
  file: string;
  order: 'cycle' | 'once';
}

type Server = 'upstream' | 'reference' | 'reference-node' | 'haproxy' | 'apache' | 'express';

interface Target {
  label: string;
  server: Server;
  /** `auth` validates; `pass` is the same server's route without validation; `direct` skips any gateway. */
  kind: 'auth' | 'pass' | 'direct';
  url: string;
  path: string;
  /** The server process whose CPU time is charged to this target (the gateway; the upstream when direct). */
  pid: number;
}

interface Measured extends WrkResult {
  /** CPU time of the server's process tree per request, µs; undefined without /proc. */
  cpuUsPerRequest: number | undefined;
  /** The part of it spent in the kernel (system calls, the loopback TCP stack, page faults), µs. */
  systemUsPerRequest: number | undefined;
  /** Hypervisor steal during the measurement, % of the host's CPU time; undefined for warm-ups or without /proc. */
  stealPercent?: number;
}

const PASS = '/pass';
const API_PATH = '/api/orders';
const HAPROXY_JWT = 'HAProxy jwt_verify';
const OPENIDC = 'Apache mod_auth_openidc';
const REFERENCE = 'reference gateway';
const REFERENCE_NODE = 'reference gateway on node:http + undici';
const EXPRESS = 'express-oauth2-jwt-bearer';

export function referenceConfig(issuer: TestIssuer, upstream: string, workers: number, fastPaths = true): GatewayConfigInput {
  return {
    // Off, node:http parses and answers every request and undici sends every upstream request.
    http: { fastFront: fastPaths },
    admin: false,
    workers,
    // Static keys, like HAProxy's PEM: the JWKS is fetched once anyway, and the bench process
    // cannot make cluster workers trust the test CA for an HTTPS JWKS.
    issuers: [{ issuer: issuer.issuer, keys: [issuer.publicJwk] }],
    audiences: [issuer.audience],
    routes: [
      { path: `${PASS}*`, auth: 'anonymous' },
      { path: '/*', require: { values: [issuer.role], claims: ['roles'] } },
    ],
    upstream: { url: upstream, fastClient: fastPaths },
    log: { level: 'warn', accessLog: false },
  };
}

/** Distinct valid tokens (a unique `jti` each), signed on every core by the token pool's worker threads. */
async function mintPool(issuer: TestIssuer, count: number, ctx: BenchContext): Promise<{ tokens: string[]; seconds: number }> {
  let reported = 0;
  const pool = await mintTokenPool({
    ...issuer.signingTemplate(),
    count,
    uniqueClaim: 'jti',
    onProgress: (n, total) => {
      if (n - reported >= 100_000) ctx.log(`  minted ${(reported = n).toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    },
  });
  ctx.signal.throwIfAborted();
  return { tokens: pool.tokens, seconds: pool.elapsedMs / 1000 };
}

/**
 * Never-seen tokens for one measurement of one target, more than it can send: the fastest validating
 * target's warm-up rate (one repeated token, which a caching gateway answers faster than it can verify,
 * so an upper bound) with as much again as headroom (a 1 s warm-up can run before the JIT and the machine settle), plus the requests in flight when wrk stops.
 */
function freshSliceSize(fastestAuthRps: number, durationSeconds: number, connections: number): number {
  return Math.ceil(fastestAuthRps * 2 * durationSeconds) + connections;
}

/** A target that answers anything but 200 to a valid token would benchmark its error path. */
async function probe(target: Target, token: string): Promise<string | undefined> {
  try {
    const response = await fetch(target.url + target.path, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status === 200 ? undefined : `answered ${response.status} to a valid token`;
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}

const fmt = {
  rps: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => n.toFixed(2),
  ratio: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '' : n.toFixed(2)),
  delta: (n: number | undefined) => (n === undefined ? '' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`),
};

interface Combined extends Measured {
  perRound: number[];
}

/** Several rounds of one target: mean req/s, p50 and p99; errors summed. */
function combineRounds(list: Measured[]): Combined {
  const mean = (pick: (r: Measured) => number) => list.reduce((sum, r) => sum + pick(r), 0) / list.length;
  const cpu = list.map((r) => r.cpuUsPerRequest);
  return {
    ...list[0],
    requests: list.reduce((sum, r) => sum + r.requests, 0),
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    meanMs: mean((r) => r.meanMs),
    p50Ms: mean((r) => r.p50Ms),
    p90Ms: mean((r) => r.p90Ms),
    p99Ms: mean((r) => r.p99Ms),
    maxMs: Math.max(...list.map((r) => r.maxMs)),
    statusErrors: list.reduce((sum, r) => sum + r.statusErrors, 0),
    reused: list.reduce((sum, r) => sum + r.reused, 0),
    socketErrors: list.reduce((sum, r) => sum + r.socketErrors, 0),
    cpuUsPerRequest: cpu.every((c) => c !== undefined) ? mean((r) => r.cpuUsPerRequest!) : undefined,
    systemUsPerRequest: list.every((r) => r.systemUsPerRequest !== undefined) ? mean((r) => r.systemUsPerRequest!) : undefined,
    stealPercent: list.every((r) => r.stealPercent !== undefined) ? Math.max(...list.map((r) => r.stealPercent!)) : undefined,
    perRound: list.map((r) => r.requestsPerSecond),
  };
}

function table(
  caption: string,
  targets: Target[],
  results: Map<string, Combined>,
  skipped: Map<string, string>,
  rounds: number,
): BenchTable {
  const byLabel = (label: string) => results.get(label);
  const passOf = (server: Server) => targets.find((t) => t.server === server && t.kind === 'pass');
  const haproxy = byLabel(HAPROXY_JWT);
  const rows = targets.map((t) => {
    const r = byLabel(t.label);
    if (!r) return [t.label, `skipped: ${skipped.get(t.label) ?? 'not measured'}`, ...Array(rounds > 1 ? 10 : 9).fill('')];
    const pass = t.kind === 'auth' ? byLabel(passOf(t.server)?.label ?? '') : undefined;
    return [
      t.label,
      fmt.rps(r.requestsPerSecond),
      fmt.ms(r.p50Ms),
      fmt.ms(r.p99Ms),
      fmt.ratio(pass ? r.requestsPerSecond / pass.requestsPerSecond : undefined),
      fmt.ratio(haproxy && t.kind === 'auth' ? r.requestsPerSecond / haproxy.requestsPerSecond : undefined),
      fmt.delta(pass ? r.p50Ms - pass.p50Ms : undefined),
      r.cpuUsPerRequest === undefined ? '' : r.cpuUsPerRequest.toFixed(0),
      r.systemUsPerRequest === undefined ? '' : r.systemUsPerRequest.toFixed(0),
      String(r.statusErrors + r.socketErrors),
      r.stealPercent === undefined ? '' : r.stealPercent.toFixed(0),
      ...(rounds > 1 ? [r.perRound.map(fmt.rps).join(' / ')] : []),
    ];
  });
  return {
    caption,
    columns: [
      'target',
      rounds > 1 ? `req/s (mean of ${rounds})` : 'req/s',
      'p50 ms',
      'p99 ms',
      '× own pass-through',
      `× ${HAPROXY_JWT}`,
      'validation overhead p50 ms',
      'server CPU µs/req',
      'of it system',
      'errors',
      rounds > 1 ? 'host steal % (worst round)' : 'host steal %',
      ...(rounds > 1 ? ['req/s per round'] : []),
    ],
    rows,
  };
}

/**
 * Token-validating gateways side by side on one machine in one run, each against its own pass-through
 * route, in three token modes:
 * - one repeated token: the best case for any gateway that caches verified tokens;
 * - a pool revisited: `--tokens` distinct tokens sent round and round, like that many callers each
 *   calling again; a caching gateway verifies each once and then answers from its cache;
 * - never-seen tokens: every request of a validating target carries a token that target has never
 *   received in the whole run, so each one is verified. This is the work a gateway does for new
 *   callers and after every token refresh, and the mode the goals are judged on.
 * HAProxy jwt_verify and the Apache modules keep no verified-token cache and verify in every mode.
 * Ratios within a run are the result; absolute req/s drift between runs.
 */
export const gatewayBench: BenchGroup = {
  name: 'gateway',
  description: 'reference gateway, HAProxy jwt_verify and Apache modules vs their own pass-through',
  async run(ctx): Promise<BenchReport> {
    const { settings } = ctx;
    wrkBinary();
    const notes: string[] = [];
    const skipped = new Map<string, string>();

    const issuer = await startTestIssuer();
    ctx.defer(() => issuer.close());
    // Its own process: a Node gateway under test must not share an event loop with its upstream.
    const upstream = await startNodeChild('echo-upstream', 'echo-upstream-main.ts');
    ctx.defer(() => upstream.stop());
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-bench-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));

    ctx.log(`minting ${settings.tokens.toLocaleString('en-US')} distinct tokens for the revisited pool…`);
    const sameToken = await issuer.token();
    const revisited = await mintPool(issuer, settings.tokens, ctx);
    const files = { same: join(dir, 'same.tokens'), revisit: join(dir, 'revisit.tokens') };
    writeFileSync(files.same, `${sameToken}\n`);
    writeFileSync(files.revisit, `${revisited.tokens.join('\n')}\n`);

    const targets: Target[] = [
      { label: 'upstream direct (no gateway)', server: 'upstream', kind: 'direct', url: upstream.url, path: API_PATH, pid: upstream.pid },
    ];
    const common: GatewayOptions = {
      upstream: upstream.url,
      issuer: issuer.issuer,
      audience: issuer.audience,
      requiredRole: issuer.role,
      passThroughPath: PASS,
      accessLog: false,
    };
    const pair = (server: Server, auth: string, pass: string, gateway: { url: string; pid: number }) => {
      targets.push({ label: auth, server, kind: 'auth', url: gateway.url, path: API_PATH, pid: gateway.pid });
      targets.push({ label: pass, server, kind: 'pass', url: gateway.url, path: `${PASS}${API_PATH}`, pid: gateway.pid });
    };

    ctx.log('starting gateways…');
    try {
      const reference = await startNodeChild('reference-gateway', 'reference-gateway-main.ts', referenceConfig(issuer, upstream.url, settings.referenceWorkers));
      ctx.defer(() => reference.stop());
      pair('reference', REFERENCE, 'reference gateway pass-through route', reference);
      notes.push(`Reference gateway: ${settings.referenceWorkers} worker process(es) (\`--reference-workers\`), static keys, access log off.`);
      // The same build with its fast front and upstream client off: what they are worth, in this run.
      const plain = await startNodeChild('reference-gateway-node', 'reference-gateway-main.ts', referenceConfig(issuer, upstream.url, settings.referenceWorkers, false));
      ctx.defer(() => plain.stop());
      targets.push({ label: REFERENCE_NODE, server: 'reference-node', kind: 'auth', url: plain.url, path: API_PATH, pid: plain.pid });
    } catch (error) {
      skipped.set(REFERENCE, (error as Error).message);
      notes.push(`Reference gateway not measured: ${(error as Error).message}`);
    }

    if (findPeerBinary('haproxy')) {
      const haproxy = await startHaproxy({ ...common, publicKeyFile: issuer.publicKeyFile });
      ctx.defer(() => haproxy.stop());
      pair('haproxy', HAPROXY_JWT, 'HAProxy pass-through', haproxy);
    } else {
      notes.push('HAProxy not installed: not measured (apt-get install haproxy).');
    }

    const apache = findPeerBinary('apache2');
    if (apache && existsSync(MOD_AUTH_OPENIDC)) {
      const openidc = await startApacheOpenidc({ ...common, jwksUri: issuer.jwksUri, caBundleFile: issuer.caFile });
      ctx.defer(() => openidc.stop());
      pair('apache', OPENIDC, 'Apache pass-through', openidc);
    } else {
      notes.push('Apache mod_auth_openidc not installed: not measured.');
    }
    if (apache && existsSync(MOD_OAUTH2)) {
      // liboauth2 has no CA-bundle option (liboauth2 README).
      const oauth2 = await startApacheOauth2({ ...common, jwksUri: issuer.jwksUri, sslVerify: false });
      ctx.defer(() => oauth2.stop());
      targets.push({ label: 'Apache mod_oauth2', server: 'apache', kind: 'auth', url: oauth2.url, path: API_PATH, pid: oauth2.pid });
    }
    // The Node peer: the library a home-grown Node gateway would use, with express's own proxying as its baseline.
    const express = await startNodeJwtBearer({ ...common, jwksUri: issuer.jwksUri, caBundleFile: issuer.caFile });
    ctx.defer(() => express.stop());
    pair('express', EXPRESS, 'express pass-through', express);

    const live: Target[] = [];
    for (const target of targets) {
      const problem = await probe(target, sameToken);
      if (problem) skipped.set(target.label, problem);
      else live.push(target);
    }

    const load = async (target: Target, tokens: TokenSource, durationSeconds: number): Promise<Measured> => {
      const before = processTreeCpuSplitMs(target.pid);
      const result = await runWrk({
        url: target.url,
        path: target.path,
        tokensFile: tokens.file,
        tokenOrder: tokens.order,
        durationSeconds,
        connections: settings.connections,
        threads: settings.threads,
        signal: ctx.signal,
      });
      const after = processTreeCpuSplitMs(target.pid);
      if (before === undefined || after === undefined || result.requests === 0) return { ...result, cpuUsPerRequest: undefined, systemUsPerRequest: undefined };
      const perRequest = (ms: number) => (ms * 1000) / result.requests;
      return {
        ...result,
        cpuUsPerRequest: perRequest(after.userMs + after.systemMs - before.userMs - before.systemMs),
        systemUsPerRequest: perRequest(after.systemMs - before.systemMs),
      };
    };

    ctx.log('warming up (1 s each)…');
    let fastestAuthRps = 0;
    for (const target of live) {
      const warm = await load(target, { file: files.same, order: 'cycle' }, 1);
      if (target.kind === 'auth') fastestAuthRps = Math.max(fastestAuthRps, warm.requestsPerSecond);
    }

    // One slice per round and target up front; a measurement taken again after host steal mints its own.
    const freshPerMeasurement = freshSliceSize(fastestAuthRps, settings.durationSeconds, settings.connections);
    const freshCount = freshPerMeasurement * settings.rounds;
    ctx.log(`minting ${freshCount.toLocaleString('en-US')} never-seen tokens (fastest validating warm-up ${fmt.rps(fastestAuthRps)} req/s × 2 × ${settings.durationSeconds} s, per round)…`);
    const first = await mintPool(issuer, freshCount, ctx);
    const fresh = { tokens: first.tokens, seconds: first.seconds };
    // Per validating target, the next unused index of the never-seen pool.
    const freshNext = new Map<string, number>();
    const freshSlice = async (target: Target): Promise<TokenSource> => {
      const start = freshNext.get(target.label) ?? 0;
      if (start + freshPerMeasurement > fresh.tokens.length) {
        ctx.log(`  minting ${freshPerMeasurement.toLocaleString('en-US')} more never-seen tokens for ${target.label}…`);
        const more = await mintPool(issuer, freshPerMeasurement, ctx);
        fresh.tokens.push(...more.tokens);
        fresh.seconds += more.seconds;
      }
      const end = start + freshPerMeasurement;
      freshNext.set(target.label, end);
      const file = join(dir, 'fresh.tokens');
      writeFileSync(file, `${fresh.tokens.slice(start, end).join('\n')}\n`);
      return { file, order: 'once' };
    };

    const modes: Array<{ name: Mode; caption: string; source: (target: Target) => TokenSource | Promise<TokenSource> }> = [
      { name: 'same', caption: 'One repeated valid token (cached by any gateway that caches verified tokens)', source: () => ({ file: files.same, order: 'cycle' }) },
      {
        name: 'revisit',
        caption: `${settings.tokens.toLocaleString('en-US')} distinct valid tokens revisited in turn (after the first pass: cache hits for a gateway that caches)`,
        source: () => ({ file: files.revisit, order: 'cycle' }),
      },
      {
        name: 'fresh',
        caption: 'Never-seen valid tokens: each request to a validating target carries a token it has never received (goals judged here)',
        // Pass-through routes and the upstream read no token: the revisited pool serves them.
        source: (target) => (target.kind === 'auth' ? freshSlice(target) : { file: files.revisit, order: 'cycle' }),
      },
    ];
    const rounds = new Map(modes.map((m) => [m.name, new Map<string, Measured[]>()]));
    const total = settings.rounds * modes.length * live.length;
    const guard = new StealGuard(settings, ctx.log);
    let done = 0;
    // Rounds interleave whole passes over all targets, so slow drift on a shared machine spreads
    // over every target instead of penalising whichever ran last.
    for (let round = 1; round <= settings.rounds; round++) {
      for (const mode of modes) {
        for (const target of live) {
          ctx.signal.throwIfAborted();
          const m = await guard.measure(`round ${round} ${mode.name} ${target.label}`, async () => load(target, await mode.source(target), settings.durationSeconds));
          const r: Measured = { ...m.result, stealPercent: m.stealPercent };
          const list = rounds.get(mode.name)!;
          list.set(target.label, [...(list.get(target.label) ?? []), r]);
          done++;
          ctx.log(
            `  [${done}/${total}] ${mode.name.padEnd(6)} ${target.label.padEnd(40)} ${fmt.rps(r.requestsPerSecond).padStart(8)} req/s  p50 ${fmt.ms(r.p50Ms)} ms  p99 ${fmt.ms(r.p99Ms)} ms${r.statusErrors ? `  STATUS≥400 ${r.statusErrors}` : ''}${r.socketErrors ? `  SOCKET ERRORS (${r.socketErrorDetail})` : ''}${r.reused ? `  REUSED ${r.reused} tokens (pool ran out)` : ''}`,
          );
        }
      }
    }
    notes.push(
      `Never-seen tokens: ${fresh.tokens.length.toLocaleString('en-US')} minted in ${fresh.seconds.toFixed(1)} s on ${availableParallelism()} worker thread(s); each validating target gets its own unused slice of ${freshPerMeasurement.toLocaleString('en-US')} per measurement (the fastest validating warm-up, ${fmt.rps(fastestAuthRps)} req/s, × 2 × the duration), and wrk sends no token twice. Different gateways receive the same tokens: none of them shares a cache with another.`,
    );
    const all = new Map(
      modes.map((m) => [m.name, new Map([...rounds.get(m.name)!].map(([label, list]) => [label, combineRounds(list)]))]),
    );
    const tables = modes.map((m) => table(m.caption, targets, all.get(m.name)!, skipped, settings.rounds));

    // Per round as well as overall: one round hit by the host's noise can move a mean across a goal.
    const ratio = (mode: Mode, a: string, b: string, pick: (r: Measured) => number | undefined = (r) => r.requestsPerSecond) => {
      const list = rounds.get(mode);
      const ra = list?.get(a);
      const rb = list?.get(b);
      if (!ra || !rb) return undefined;
      const va = ra.map(pick);
      const vb = rb.map(pick);
      if (va.some((v) => v === undefined) || vb.some((v) => v === undefined)) return undefined;
      const unjudged = ra.map((r, i) =>
        // A pair whose kept attempt still saw more steal than allowed says more about the host than the servers;
        // one that ran out of never-seen tokens measured cache hits, not verification.
        r.reused + rb[i].reused > 0 ? 'the never-seen pool ran out' : guard.disturbance(r.stealPercent, rb[i].stealPercent),
      );
      return roundRatio(va as number[], vb as number[], unjudged);
    };
    const cpu = (r: Measured) => r.cpuUsPerRequest;
    if (all.get('fresh')?.has(REFERENCE)) {
      notes.push(
        `Reference gateway goals, on never-seen tokens: ${describeRoundRatio(ratio('fresh', REFERENCE, HAPROXY_JWT), 1)} HAProxy jwt_verify's req/s, ` +
          `at ${describeRoundRatio(ratio('fresh', REFERENCE, HAPROXY_JWT, cpu), 1, 'at-most')} its server CPU µs per request; ` +
          `${describeRoundRatio(ratio('fresh', REFERENCE, OPENIDC), 2)} mod_auth_openidc; ` +
          `${describeRoundRatio(ratio('fresh', REFERENCE, EXPRESS))} express-oauth2-jwt-bearer (no goal); ` +
          `${describeRoundRatio(ratio('fresh', REFERENCE, REFERENCE_NODE))} the same gateway on node:http + undici (\`http.fastFront\` and \`upstream.fastClient\` off; no goal). ` +
          `One repeated token (cached): ${describeRoundRatio(ratio('same', REFERENCE, 'reference gateway pass-through route'), 0.8)} its own pass-through. ` +
          `Revisited pool (cached after its first pass, no goal): ${describeRoundRatio(ratio('revisit', REFERENCE, HAPROXY_JWT))} HAProxy jwt_verify.`,
      );
    }
    notes.push(
      `Warm-ups use the repeated token. In the revisited mode the reference gateway verifies each of the ${settings.tokens.toLocaleString('en-US')} pooled tokens once, in its first measurement of that mode, and serves them from its verified-token cache after that; in the never-seen mode it verifies every request. HAProxy jwt_verify and the Apache modules keep no such cache and verify every request in every mode.`,
    );
    notes.push(guard.note());
    const exhausted = [...all.values()].flatMap((m) => [...m.entries()]).filter(([, r]) => r.reused > 0);
    if (exhausted.length > 0) notes.push(`Ran out of never-seen tokens (some requests repeated a token, so a cache could answer them; not judged): ${exhausted.map(([l]) => l).join(', ')}.`);
    const failures = [...all.values()].flatMap((m) => [...m.entries()]).filter(([, r]) => r.statusErrors + r.socketErrors > 0);
    if (failures.length > 0) {
      notes.push(`Runs with errors (status ≥ 400 or socket errors), treat their numbers as suspect: ${[...new Set(failures.map(([l]) => l))].join(', ')}.`);
    }
    notes.push(
      'Topology: wrk → gateway → echo upstream (Node, its own process), all on 127.0.0.1; the reference gateway also runs in its own process. ' +
        'Each gateway is configured by its adapter in gateway-under-test/ (HAProxy with the public key as PEM, Apache modules with the JWKS over HTTPS; mod_oauth2 with ssl_verify=false; express 5 + express-oauth2-jwt-bearer with the JWKS over HTTPS, proxying with node:http), access logs off.',
    );
    notes.push(
      '"× own pass-through" divides by the same server with validation skipped on a pass-through path; "validation overhead" is p50 with auth minus that pass-through p50. ' +
        '"server CPU µs/req" is the CPU time (user + system, from /proc) of the measured server\'s process tree divided by the requests it served: the gateway alone, without wrk or the upstream (for the direct row, the upstream); "of it system" is its kernel part (system calls, the loopback TCP stack, page faults), the rest is user time. ' +
        'The Apache modules share the Apache pass-through baseline. wrk, the gateways and the Node echo upstream share this machine\'s cores, so compare ratios within one run, not absolute req/s across runs.',
    );

    return {
      title: 'Gateways: token validation vs pass-through',
      versions: Object.fromEntries(
        Object.entries({
          haproxy: commandVersion('haproxy', ['-v'], /HAProxy version (\S+)/),
          apache2: commandVersion(apache ?? 'apache2', ['-v'], /Apache\/(\S+)/),
          'libapache2-mod-auth-openidc': debianPackageVersion('libapache2-mod-auth-openidc'),
          'libapache2-mod-oauth2': debianPackageVersion('libapache2-mod-oauth2'),
          'express-oauth2-jwt-bearer': packageVersion('express-oauth2-jwt-bearer'),
          express: packageVersion('express'),
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      tables,
      notes,
    };
  },
};
