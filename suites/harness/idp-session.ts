import type { IdpCheckpoint, IdpDriver } from './idp-driver.ts';

export interface IdpSession {
  /** Puts the mock back as the session found it; safe to call more than once. */
  end(): Promise<void>;
}

/** Signals that end a run early from a terminal or a CI runner. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A restore that hangs (the mock went away) must not keep an interrupted run from exiting. */
const RESTORE_ON_SIGNAL_TIMEOUT_MS = 5_000;

/** Sessions still open in this process; one signal handler serves them all. */
const open = new Map<IdpCheckpoint, string>();

/**
 * One run's time on the mock IdP: a checkpoint of the tenant before the cases, restored when the run
 * ends, fails or is interrupted. On SIGINT, SIGTERM or SIGHUP every open session is restored first and
 * the signal is then raised again, so the process ends as it would have without sessions (unless
 * someone else listens for the signal, who then decides).
 */
export async function beginIdpSession(idp: IdpDriver): Promise<IdpSession> {
  const checkpoint = await idp.checkpoint();
  if (open.size === 0) for (const signal of SIGNALS) process.once(signal, onSignal);
  open.set(checkpoint, idp.url);
  return {
    async end() {
      if (open.delete(checkpoint) && open.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
      await checkpoint.restore();
    },
  };
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  for (const s of SIGNALS) process.off(s, onSignal);
  const sessions = [...open];
  open.clear();
  const restores = sessions.map(([checkpoint, url]) =>
    checkpoint.restore().catch((e: Error) => {
      // Nothing else is left to report it: the run is being torn down.
      process.stderr.write(`gatecheck: could not put the mock IdP at ${url} back as the run found it: ${e.message}\n`);
    }),
  );
  const timeout = new Promise((resolve) => setTimeout(resolve, RESTORE_ON_SIGNAL_TIMEOUT_MS).unref());
  await Promise.race([Promise.all(restores), timeout]);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
