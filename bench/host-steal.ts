import { readFileSync } from 'node:fs';

/** Cumulative ticks of the host's aggregate `cpu` line in /proc/stat. */
export interface HostCpuTicks {
  steal: number;
  total: number;
}

/**
 * The host's CPU counters now; undefined where there is no /proc/stat. On a virtual machine the
 * `steal` column counts time the hypervisor gave this guest's CPUs to someone else: while it runs
 * high, every process here slows down in proportion and a throughput figure says more about the
 * neighbours than about the server measured.
 */
export function readHostCpuTicks(text?: string): HostCpuTicks | undefined {
  let stat = text;
  if (stat === undefined) {
    try {
      stat = readFileSync('/proc/stat', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  // user nice system idle iowait irq softirq steal [guest guest_nice]; guest time is already in user.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  return { steal: fields[7], total: fields.reduce((sum, n) => sum + n, 0) };
}

/** Steal as a percentage of all CPU time between two readings; undefined if either is missing or no time passed. */
export function stealPercent(before: HostCpuTicks | undefined, after: HostCpuTicks | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.steal - before.steal)) / total : undefined;
}
