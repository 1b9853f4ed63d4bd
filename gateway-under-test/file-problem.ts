import { resolve } from 'node:path';

/**
 * Why a file could not be read, in words a user can act on (never a bare ENOENT), naming the absolute
 * path looked for when the one given is relative. Callers say which file it was and what to do.
 */
export function fileProblem(file: string, err: unknown): string {
  const absolute = resolve(file);
  const where = absolute === file ? '' : ` (looked for ${absolute})`;
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `no such file${where}`;
    case 'ENOTDIR':
      return `a part of the path is not a directory${where}`;
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
