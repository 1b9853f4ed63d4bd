import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the socket inode.
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * Whether the socket listening on `port` belongs to process `pid` (Linux /proc), so a gateway
 * that lost a port race is not mistaken for ready because someone else's listener answered.
 * Undefined where /proc cannot tell (other OS, no permission): callers fall back to trusting the port.
 */
export function listenerOwnedBy(pid: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  if (inodes.size === 0) return false;
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && inodes.has(match[1])) return true;
    } catch {
      // fd closed while we looked
    }
  }
  return false;
}
