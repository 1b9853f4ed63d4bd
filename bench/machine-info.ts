import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1-minute load average when the run started: other work on a shared machine skews results. */
  loadAverage: number;
}

function debianVersion(): string {
  try {
    return `Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}`;
  } catch {
    return process.platform;
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${debianVersion()}, Linux ${release()}`,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** First line (or `pattern`'s group) of a command's output, or undefined when it is not installed. */
export function commandVersion(file: string, args: string[], pattern?: RegExp): string | undefined {
  // spawnSync, not execFileSync: `wrk --version` prints its version and exits 1.
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
  if (result.error) return undefined;
  const out = `${result.stdout}${result.stderr}`;
  const line = out.split('\n').find((l) => l.trim())?.trim();
  return (pattern && pattern.exec(out)?.[1]) || line || undefined;
}

/** Installed version of a Debian package. */
export function debianPackageVersion(name: string): string | undefined {
  return commandVersion('dpkg-query', ['-W', '-f=${Version}', name]);
}

/** Installed version of an npm package, read from its package.json under node_modules. */
export function packageVersion(name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
