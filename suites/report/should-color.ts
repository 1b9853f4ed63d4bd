/**
 * Colour only for a human at a terminal: never in CI logs or files. NO_COLOR (no-color.org) wins over
 * everything when set to a non-empty value; FORCE_COLOR lets a wrapper that owns a TTY ask for it.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
