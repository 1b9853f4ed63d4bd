import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The last `lines` lines of every file in a gateway's log directory, each block headed by its file name. */
export function tailLogs(dir: string, lines = 200): string[] {
  let files: string[];
  try {
    files = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      return [];
    }
    const all = text.split('\n').filter((l) => l.length > 0);
    const kept = all.slice(-lines);
    return [`==> ${file}${all.length > kept.length ? ` (last ${kept.length} of ${all.length} lines)` : ''} <==`, ...kept];
  });
}
