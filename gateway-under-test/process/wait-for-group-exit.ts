import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until no process of group `pgid` still runs, or `timeoutMs` passes; true when the group is gone.
 * A SIGKILLed Apache worker keeps running for a moment after its parent has exited, so "stopped" means
 * the whole group, not the leader. Zombies do not count: killed workers are reparented to PID 1, which
 * reaps them on its own schedule, and they hold no port and no CPU. Without /proc there is nothing to
 * look at, and the group counts as gone.
 */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupRuns(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

function groupRuns(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}
