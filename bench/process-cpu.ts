import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux build.
const TICK_MS = 10;

interface Stat {
  ppid: number;
  /** utime + cutime in ms: the process, its threads and its reaped children, in user mode. */
  userMs: number;
  /** stime + cstime in ms: the same in the kernel (system calls, page faults, the TCP stack). */
  systemMs: number;
}

/** CPU time in ms, split as /proc splits it. */
export interface CpuSplitMs {
  userMs: number;
  systemMs: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), userMs: (Number(f[11]) + Number(f[13])) * TICK_MS, systemMs: (Number(f[12]) + Number(f[14])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/**
 * CPU time used so far by a process and every live descendant (cluster workers, Apache children), in
 * ms; undefined where there is no /proc. Children that already exited count through the parent's
 * cutime/cstime once reaped.
 */
export function processTreeCpuMs(pid: number): number | undefined {
  const split = processTreeCpuSplitMs(pid);
  return split && split.userMs + split.systemMs;
}

/** {@link processTreeCpuMs}, split into user and system time. */
export function processTreeCpuSplitMs(pid: number): CpuSplitMs | undefined {
  const root = readStat(String(pid));
  if (!root) return undefined;
  const byParent = new Map<number, Array<{ pid: number; stat: Stat }>>();
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readStat(entry);
    if (!stat) continue;
    const list = byParent.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), stat });
    byParent.set(stat.ppid, list);
  }
  const total = { userMs: root.userMs, systemMs: root.systemMs };
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.pop()!) ?? []) {
      total.userMs += child.stat.userMs;
      total.systemMs += child.stat.systemMs;
      queue.push(child.pid);
    }
  }
  return total;
}
