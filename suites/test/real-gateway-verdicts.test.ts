import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, NODE_VALIDATOR_ADAPTERS, peerForTests } from '../../gateway-under-test/index.ts';
import { loadCases, type LoadedCase } from '../harness/load-cases.ts';
import { diffVerdicts, readRecordedVerdicts } from '../harness/recorded-verdicts.ts';
import type { RunReport } from '../harness/run-report.ts';
import { runSuite } from '../harness/run-suite.ts';
import { startAdapterTarget, type AdapterRunTarget } from '../harness/start-adapter-target.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'targets');
/** Genuine tokens every gateway configured with the orders-api policy must let through. */
const VALID_TOKEN_CASES = ['entra/v2-app-only-token', 'entra/v2-delegated-token', 'claims/audience-array-with-ours'];
// The slowest full run here is about 45 s; bounded so a hung gateway fails the file instead of CI.
const SUITE_TIMEOUT_MS = 240_000;

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * Processes of the gateway's process group that still run. Zombies are left out: killed Apache
 * workers are reparented to PID 1, which reaps them on its own schedule; they hold no port and no CPU.
 */
function liveGroupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return live;
}

let cases: LoadedCase[];
beforeAll(async () => {
  cases = await loadCases({});
});

/**
 * The harness regression-tested against real implementations: each gateway runs the whole suite
 * once and must produce exactly its recorded verdicts (fixtures/targets/<name>.verdicts.json), pass
 * the valid-token cases, and leave no process or port behind when stopped.
 */
// The Node validators behind the shared node:http front run the suite in node-validators.test.ts,
// which holds them to their blocking failures; one full run each is enough for this machine.
const RECORDED = Object.values(ADAPTERS).filter((adapter) => !Object.hasOwn(NODE_VALIDATOR_ADAPTERS, adapter.name));

describe.each(RECORDED)('$name as a suite target', (adapter) => {
  const peer = peerForTests(adapter.binary, { requiredFiles: adapter.requiredFiles, requiredPackages: adapter.requiredPackages });
  let target: AdapterRunTarget | undefined;
  let report: RunReport | undefined;

  beforeAll(async () => {
    if (peer.skipReason) return;
    target = await startAdapterTarget(adapter.name);
    try {
      report = await runSuite({ target, cases });
    } finally {
      await target.stop();
    }
  }, SUITE_TIMEOUT_MS);

  afterAll(() => target?.stop());

  it('passes the valid-token cases', (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    const verdicts = Object.fromEntries(VALID_TOKEN_CASES.map((id) => [id, report!.cases.find((c) => c.id === id)?.verdict]));
    expect(verdicts).toEqual(Object.fromEntries(VALID_TOKEN_CASES.map((id) => [id, 'pass'])));
  });

  it('produces exactly its recorded verdicts, with no harness error', async (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    const recorded = await readRecordedVerdicts(join(FIXTURES, `${adapter.name}.verdicts.json`));
    expect(report!.summary.error).toBe(0);
    expect(diffVerdicts(recorded, report!)).toEqual([]);
  });

  it('keeps the tail of the gateway logs in the report', (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    expect(report!.target.logs?.some((line) => line.startsWith('==> '))).toBe(true);
  });

  it('stops cleanly: the process group is gone and the port refuses connections', async (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    expect(liveGroupMembers(target!.pid)).toEqual([]);
    expect(await portRefuses(target!.port)).toBe(true);
  });
});
