import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchGroup, BenchReport } from './bench-group.ts';
import { runWrk } from './wrk/run-wrk.ts';

const CLI = fileURLToPath(new URL('../cli/gatecheck.ts', import.meta.url));
const FORM_POST = fileURLToPath(new URL('./wrk/form-post.lua', import.meta.url));
const STARTS = 5;
const READY_GOAL_MS = 2000;
const TOKENS_GOAL = 500;

/** Spawns `gatecheck idp --port 0` and resolves when it prints its URL: what a user waits for. */
function startIdp(ctx: BenchContext): Promise<{ child: ChildProcess; url: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'idp', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  ctx.defer(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gatecheck idp did not start within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], ms: performance.now() - started });
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`gatecheck idp exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const idpBench: BenchGroup = {
  name: 'idp',
  description: 'mock IdP: `gatecheck idp` start-up time, and client-credentials tokens per second from its token endpoint',
  async run(ctx: BenchContext): Promise<BenchReport> {
    const startMs: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      ctx.signal.throwIfAborted();
      const { child, ms } = await startIdp(ctx);
      startMs.push(ms);
      await stop(child);
    }
    startMs.sort((a, b) => a - b);
    const median = startMs[Math.floor(STARTS / 2)];
    ctx.log(`  ready in ${startMs.map((m) => m.toFixed(0)).join(', ')} ms`);

    const { child, url } = await startIdp(ctx);
    ctx.defer(() => stop(child));
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-idp-bench-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const form = join(dir, 'form.txt');
    writeFileSync(form, new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      client_secret: 'demo-secret-not-for-production',
      scope: 'api://orders-api/.default',
    }).toString());
    const r = await runWrk({
      url,
      path: '',
      tokensFile: '',
      script: { file: FORM_POST, args: ['/contoso/oauth2/v2.0/token', form] },
      durationSeconds: ctx.settings.durationSeconds,
      connections: Math.min(ctx.settings.connections, 16),
      threads: 1,
      signal: ctx.signal,
    });
    const ok = (n: boolean) => (n ? 'yes' : '**no**');
    return {
      title: 'Mock IdP',
      versions: {},
      tables: [
        {
          caption: 'Start-up: spawn of `gatecheck idp --port 0` until it prints its URL (keys generated, two tenants)',
          columns: ['starts', 'median ms', 'fastest ms', 'slowest ms', `goal < ${READY_GOAL_MS} ms`],
          rows: [[String(STARTS), median.toFixed(0), startMs[0].toFixed(0), startMs.at(-1)!.toFixed(0), ok(startMs.at(-1)! < READY_GOAL_MS)]],
        },
        {
          caption: 'Token endpoint: client-credentials grants (orders-daemon → orders-api, RS256-signed JWT each)',
          columns: ['tokens/s', 'p50 ms', 'p99 ms', 'non-2xx', 'socket errors', `goal ≥ ${TOKENS_GOAL}/s`],
          rows: [[r.requestsPerSecond.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), String(r.statusErrors), String(r.socketErrors), ok(r.requestsPerSecond >= TOKENS_GOAL && r.statusErrors === 0)]],
        },
      ],
      notes: [
        'The mock runs as its own process (one Node 22 process, one core at most); wrk shares the machine.',
        'Each grant authenticates the client, builds Entra claims and signs an RSA-2048 JWT (about 4,000 signatures/s per core is the floor).',
      ],
    };
  },
};
