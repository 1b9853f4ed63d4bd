import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux build.
const TICK_MS = 10;

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime in ms: the process, its threads and its reaped children. */
  cpuMs: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS };
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
  const root = readStat(String(pid));
  if (!root) return undefined;
  const byParent = new Map<number, Array<{ pid: number; cpuMs: number }>>();
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readStat(entry);
    if (!stat) continue;
    const list = byParent.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), cpuMs: stat.cpuMs });
    byParent.set(stat.ppid, list);
  }
  let total = root.cpuMs;
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.pop()!) ?? []) {
      total += child.cpuMs;
      queue.push(child.pid);
    }
  }
  return total;
}
