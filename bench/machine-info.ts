import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
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
  };
}

/** First line of a command's output, or undefined when it is not installed. */
export function commandVersion(file: string, args: string[], pattern?: RegExp): string | undefined {
  try {
    const out = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
    const line = out.split('\n').find((l) => l.trim()) ?? '';
    return pattern ? (pattern.exec(out)?.[1] ?? line) : line;
  } catch {
    return undefined;
  }
}

/** Installed version of a Debian package. */
export function debianPackageVersion(name: string): string | undefined {
  return commandVersion('dpkg-query', ['-W', '-f=${Version}', name]);
}
