import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import { BaselineBook } from './contract/baseline-book.ts';
import type { LoadedCase } from './load-cases.ts';
import { beginIdpSession } from './idp-session.ts';
import { proveBaselines } from './prove-baselines.ts';
import { SourceAddresses } from './source-addresses.ts';
import { isStateful, planSteps, runCase, type CaseContext } from './run-case.ts';
import type { CaseResult, RunReport } from './run-report.ts';
import type { RunTarget } from './run-target.ts';
import { summarizeCases } from './summarize-cases.ts';

export interface RunSuiteOptions {
  target: RunTarget;
  cases: LoadedCase[];
  /** Cases in flight at once outside the exclusive ones. Default 8. */
  concurrency?: number;
  requestTimeoutMs?: number;
  /** Progress display hooks; cases overlap, so start and end are separate. */
  onCaseStart?: (started: { id: string }) => void;
  onCaseEnd?: (result: CaseResult, finished: number, total: number) => void;
}

/**
 * Runs the cases against one target and returns the report. Cases that share state (IdP keys and
 * faults, the clock, rate-limit counters) run alone after the rest, in file order; the others run
 * concurrently up to the bound. The report lists cases in id order whatever order they ran in.
 */
export async function runSuite(options: RunSuiteOptions): Promise<RunReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const concurrency = Math.max(1, options.concurrency ?? 8);
  // Cases rotate keys, add keys, set faults and shift the clock on the IdP; a mock someone else started gets it all back.
  const session = options.target.unavailable ? undefined : await beginIdpSession(options.target.idp);
  const dispatcher = new Agent({ connections: concurrency * 2, keepAliveTimeout: 10_000 });
  const runId = randomUUID().slice(0, 8);
  const sources = new SourceAddresses(runId, dispatcher);
  const ctx: CaseContext = {
    target: options.target,
    sources,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    runId,
    baselines: new BaselineBook(options.target.profile, (recipe) => options.target.idp.mint(recipe)),
  };
  const baselineFailures: CaseResult[] = [];
  const results = new Map<string, CaseResult>();
  const total = options.cases.length;
  const record = (r: CaseResult) => {
    results.set(r.id, r);
    options.onCaseEnd?.(r, results.size, total);
  };
  const start = (c: LoadedCase) => {
    options.onCaseStart?.({ id: c.id });
    return runCase(c, ctx);
  };
  try {
    const reason = options.target.unavailable;
    if (reason) {
      for (const c of options.cases) {
        const def = c.definition;
        record({ id: c.id, category: c.category, title: def?.title ?? c.id, level: def?.level ?? 'must', references: def?.references ?? [], covers: def?.covers ?? [], verdict: 'skipped', skipReason: reason, skipCause: 'run', steps: [], durationMs: 0 });
      }
    } else {
      baselineFailures.push(...(await proveBaselines(ctx)));
      const exclusive: LoadedCase[] = [];
      const shared: LoadedCase[] = [];
      for (const c of options.cases) (runsAlone(c, ctx) ? exclusive : shared).push(c);

      let next = 0;
      const worker = async () => {
        while (next < shared.length) record(await start(shared[next++]));
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, shared.length) }, worker));
      for (const c of exclusive) record(await start(c));
    }
  } finally {
    try {
      await session?.end();
    } finally {
      await sources.close();
      await dispatcher.close();
    }
  }

  const cases = [...baselineFailures, ...options.cases.map((c) => results.get(c.id)!)];
  const summary = summarizeCases(cases);
  return {
    tool: { name: 'gatecheck', version: pkg.version },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    target: { name: options.target.name, baseUrl: options.target.baseUrl, profile: options.target.profile, ...(options.target.logs ? { logs: options.target.logs() } : {}) },
    summary,
    cases,
  };
}

function runsAlone(c: LoadedCase, ctx: CaseContext): boolean {
  if (!c.definition) return false;
  try {
    return isStateful(c.definition, planSteps(c.definition, ctx.target.profile));
  } catch {
    return false; // runCase reports the same exception as the case's error
  }
}
